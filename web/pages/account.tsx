import { raw } from 'hono/html';
import { formatDateTime } from '../../workers/domain/locale';
import { DashboardNav } from '../components/dashboard-nav';
import { CsrfField, FieldError, FormAlert, Layout, type PageContext } from '../components/layout';
import type { FormState } from '../components/text-field';

export function DashboardPage(props: {
  page: PageContext;
  practice: { name: string; slug: string; timeZone: string };
  now: number;
}) {
  const { t, locale, session } = props.page;
  return (
    <Layout page={props.page} title={t.dashboard}>
      <DashboardNav locale={locale} current="/dashboard" />
      <p>
        {t.welcome}, {session?.user.displayName}.
      </p>
      <h2>{t.dashboardIntro}</h2>
      <dl>
        <dt>{t.practiceName}</dt>
        <dd data-testid="practice-name">{props.practice.name}</dd>
        <dt>{t.bookingPage}</dt>
        <dd>
          <a href={`/book/${props.practice.slug}`}>/book/{props.practice.slug}</a>
        </dd>
        <dt>{t.practiceTimeZone}</dt>
        <dd>{props.practice.timeZone}</dd>
        <dt>{t.now}</dt>
        <dd>{formatDateTime(props.now, locale, props.practice.timeZone)}</dd>
      </dl>
    </Layout>
  );
}

export function DpoPage(props: { page: PageContext }) {
  const { t } = props.page;
  return (
    <Layout page={props.page} title={t.dpoConsole}>
      <p>{t.dpoIntro}</p>
      <ul>
        <li>
          <a href="/dpo/requests">{t.dpoRequests}</a>
        </li>
        <li>
          <a href="/dpo/incidents">{t.dpoIncidents}</a>
        </li>
        <li>
          <a href="/record-of-processing">{t.recordOfProcessing}</a>
        </li>
      </ul>
    </Layout>
  );
}

export type Enrolment = { secret: string; qrSvg: string };

export function SecurityPage(props: {
  page: PageContext;
  state: FormState;
  enrolment?: Enrolment | undefined;
  recoveryCodes?: string[] | undefined;
}) {
  const { t, session } = props.page;
  const enabled = session?.user.totpEnabled ?? false;
  return (
    <Layout page={props.page} title={t.security}>
      <FormAlert message={props.state.message} />
      <h2>{t.totpTitle}</h2>
      {props.recoveryCodes ? (
        <section aria-labelledby="recovery-title" class="notice">
          <h3 id="recovery-title">{t.totpRecoveryTitle}</h3>
          <p>{t.totpRecoveryHint}</p>
          <ul data-testid="recovery-codes">
            {props.recoveryCodes.map((code) => (
              <li>
                <code>{code}</code>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {enabled ? (
        <>
          <p>{t.totpOn}</p>
          <form class="stack" method="post" action="/account/totp/disable">
            <CsrfField session={session} />
            <label>
              {t.currentPassword}
              <input name="password" type="password" required autocomplete="current-password" />
              <FieldError id="password-error" messages={props.state.fields?.password} />
            </label>
            <button type="submit">{t.totpDisable}</button>
          </form>
        </>
      ) : props.enrolment ? (
        <form class="stack" method="post" action="/account/totp/confirm">
          <CsrfField session={session} />
          <p>{t.totpScan}</p>
          <div class="qr" role="img" aria-label="QR code">
            {raw(props.enrolment.qrSvg)}
          </div>
          <p>
            {t.totpSecret}: <code class="secret" data-testid="totp-secret">{props.enrolment.secret}</code>
          </p>
          <label>
            {t.totpCode}
            <input name="code" inputmode="numeric" autocomplete="one-time-code" required pattern="[0-9]{6}" />
            <FieldError id="code-error" messages={props.state.fields?.code} />
          </label>
          <button type="submit">{t.totpConfirm}</button>
        </form>
      ) : (
        <>
          <p>{t.totpOff}</p>
          <form method="post" action="/account/totp/start">
            <CsrfField session={session} />
            <button type="submit">{t.totpStart}</button>
          </form>
        </>
      )}
      <h2>{t.sessionsTitle}</h2>
      <p>{t.sessionsHint}</p>
      <form method="post" action="/logout-everywhere">
        <CsrfField session={session} />
        <button type="submit">{t.signOutEverywhere}</button>
      </form>
      {session?.user.role === 'therapist' ? (
        <p>
          <a href="/dashboard/delete-account">{t.deleteAccount}</a>
        </p>
      ) : null}
    </Layout>
  );
}
