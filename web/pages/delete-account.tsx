import { CsrfField, FieldError, FormAlert, Layout, type PageContext } from '../components/layout';
import { DashboardNav } from '../components/dashboard-nav';
import { toolMessages } from '../i18n/dashboard-tools';
import type { FormState } from '../components/text-field';

/** Explains what deletion removes and what stays, then asks for the password and the typed booking address. */
export function DeleteAccountPage(props: { page: PageContext; slug: string; state: FormState }) {
  const { locale, session } = props.page;
  const m = toolMessages(locale);
  const { fields, values } = props.state;
  return (
    <Layout page={props.page} title={m.deleteTitle}>
      <DashboardNav locale={locale} current="/dashboard/delete-account" />
      <FormAlert message={props.state.message} />
      <p>{m.deleteIntro}</p>
      <ul>
        <li>{m.deleteAccount}</li>
        <li>{m.deleteClients}</li>
        <li>{m.deleteSettings}</li>
      </ul>
      <p>{m.deleteAudit}</p>
      <p>
        <a href="/dashboard/export">{m.deleteExportFirst}</a>
      </p>
      <p>{m.deleteClientsNotified}</p>
      <form class="stack" method="post" action="/dashboard/delete-account">
        <CsrfField session={session} />
        <label>
          {m.deleteConfirmSlug}: <code>{props.slug}</code>
          <input
            name="confirmSlug"
            required
            autocomplete="off"
            spellcheck={false}
            value={values?.confirmSlug ?? ''}
            aria-invalid={fields?.confirmSlug ? 'true' : undefined}
            aria-describedby="confirmSlug-error"
          />
          <FieldError id="confirmSlug-error" messages={fields?.confirmSlug} />
        </label>
        <label>
          {m.deletePassword}
          <input name="password" type="password" required autocomplete="current-password" aria-invalid={fields?.password ? 'true' : undefined} aria-describedby="password-error" />
          <FieldError id="password-error" messages={fields?.password} />
        </label>
        {session?.user.totpEnabled ? (
          <label>
            {m.deleteTotp}
            <input name="totp" autocomplete="one-time-code" inputmode="numeric" aria-describedby="totp-error" />
            <FieldError id="totp-error" messages={fields?.totp} />
          </label>
        ) : null}
        <button type="submit">{m.deleteSubmit}</button>
      </form>
    </Layout>
  );
}
