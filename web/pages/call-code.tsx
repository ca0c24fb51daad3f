import { DashboardNav } from '../components/dashboard-nav';
import { Layout, type PageContext } from '../components/layout';
import { accessCodeMessages } from '../i18n/call-code';

/**
 * Shown once after the therapist issued a new access code: the code exists in readable form only in this response.
 * The copy buttons are progressive enhancement (/static/copy.js); the code is selectable text without them.
 */
export function AccessCodePage(props: { page: PageContext; accessCode: string; callUrl: string; emailed: boolean; nonce: string | undefined }) {
  const m = accessCodeMessages(props.page.locale);
  return (
    <Layout page={props.page} title={m.title}>
      <DashboardNav locale={props.page.locale} current="/dashboard/appointments" />
      <section class="notice" data-testid="new-access-code">
        <p>{m.intro}</p>
        <p>
          {m.code}: <code id="new-access-code">{props.accessCode}</code>{' '}
          <button type="button" class="secondary" data-copy="new-access-code" data-copied={m.copied} hidden>
            {m.copy}
          </button>
        </p>
        <p>
          {m.link}: <code id="new-call-link">{props.callUrl}</code>{' '}
          <button type="button" class="secondary" data-copy="new-call-link" data-copied={m.copied} hidden>
            {m.copy}
          </button>
        </p>
        <p role="status" id="copy-status"></p>
        <p>{props.emailed ? m.emailed : m.notEmailed}</p>
      </section>
      <p>
        <a href="/dashboard/appointments">{m.back}</a>
      </p>
      <script type="module" nonce={props.nonce} src="/static/copy.js"></script>
    </Layout>
  );
}
