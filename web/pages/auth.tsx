import { CsrfField, FieldError, FormAlert, Layout, Notice, type PageContext } from '../components/layout';
import { type FormState, TextField } from '../components/text-field';

const COMMON_ZONES = ['Europe/Berlin', 'Europe/Copenhagen', 'Europe/Vienna', 'Europe/Zurich'];

export function SignUpPage(props: { page: PageContext; state: FormState; dpaText: string; dpaVersion: string }) {
  const { t } = props.page;
  const { state } = props;
  const zone = state.values?.timeZone ?? 'Europe/Berlin';
  return (
    <Layout page={props.page} title={t.signUp}>
      <FormAlert message={state.message} />
      <form class="stack" method="post" action="/signup">
        <CsrfField session={props.page.session} />
        <TextField name="practiceName" label={t.practiceName} state={state} autocomplete="organization" />
        <TextField name="slug" label={t.slug} hint={t.slugHint} state={state} />
        <label>
          {t.timeZone}
          <input name="timeZone" list="zones" required value={zone} />
          <datalist id="zones">
            {COMMON_ZONES.map((z) => (
              <option value={z} />
            ))}
          </datalist>
          <FieldError id="timeZone-error" messages={state.fields?.timeZone} />
        </label>
        <TextField name="displayName" label={t.displayName} state={state} autocomplete="name" />
        <TextField name="email" label={t.email} type="email" state={state} autocomplete="email" />
        <TextField name="password" label={t.password} type="password" hint={t.passwordHint} state={state} autocomplete="new-password" />
        <h2>{t.dpaTitle}</h2>
        <pre class="legal" tabindex={0}>
          {props.dpaText}
        </pre>
        <input type="hidden" name="dpaVersion" value={props.dpaVersion} />
        <label class="check">
          <input type="checkbox" name="acceptDpa" value="true" required />
          <span>{t.dpaAccept}</span>
        </label>
        <FieldError id="acceptDpa-error" messages={state.fields?.acceptDpa} />
        <button type="submit">{t.signUpSubmit}</button>
      </form>
    </Layout>
  );
}

export function LoginPage(props: { page: PageContext; state: FormState; next?: string | undefined; notice?: string | undefined }) {
  const { t } = props.page;
  return (
    <Layout page={props.page} title={t.signIn}>
      <Notice message={props.notice} />
      <FormAlert message={props.state.message} />
      <form class="stack" method="post" action="/login">
        <CsrfField session={props.page.session} />
        {props.next ? <input type="hidden" name="next" value={props.next} /> : null}
        <TextField name="email" label={t.email} type="email" state={props.state} autocomplete="username" />
        <TextField name="password" label={t.password} type="password" state={props.state} autocomplete="current-password" />
        <TextField name="totp" label={t.totpCode} state={props.state} autocomplete="one-time-code" required={false} keep={false} />
        <button type="submit">{t.signInSubmit}</button>
        <a href="/forgot-password">{t.forgotPassword}</a>
      </form>
    </Layout>
  );
}

export function ForgotPasswordPage(props: { page: PageContext; state: FormState; sent: boolean }) {
  const { t } = props.page;
  return (
    <Layout page={props.page} title={t.resetTitle}>
      <Notice message={props.sent ? t.resetRequested : undefined} />
      <FormAlert message={props.state.message} />
      <form class="stack" method="post" action="/forgot-password">
        <CsrfField session={props.page.session} />
        <TextField name="email" label={t.email} type="email" state={props.state} autocomplete="email" />
        <button type="submit">{t.resetRequestSubmit}</button>
      </form>
    </Layout>
  );
}

export function ResetPasswordPage(props: { page: PageContext; state: FormState; token: string; usable: boolean; needsCode: boolean }) {
  const { t } = props.page;
  return (
    <Layout page={props.page} title={t.resetTitle}>
      <FormAlert message={props.state.message} />
      {props.usable ? (
        <form class="stack" method="post" action="/reset-password">
          <CsrfField session={props.page.session} />
          <input type="hidden" name="token" value={props.token} />
          <TextField name="password" label={t.newPassword} type="password" hint={t.passwordHint} state={props.state} autocomplete="new-password" />
          {props.needsCode ? <TextField name="totp" label={t.totpCode} state={props.state} autocomplete="one-time-code" keep={false} /> : null}
          <button type="submit">{t.resetSubmit}</button>
        </form>
      ) : (
        <p class="alert" role="alert">
          {t.resetInvalid} <a href="/forgot-password">{t.forgotPassword}</a>
        </p>
      )}
    </Layout>
  );
}

/** After sign-up: the same words whether or not the address already had an account. */
export function CheckEmailPage(props: { page: PageContext }) {
  const { t } = props.page;
  return (
    <Layout page={props.page} title={t.checkEmailTitle}>
      <p role="status">{t.checkEmailText}</p>
      <p>
        <a href="/login">{t.signIn}</a>
      </p>
    </Layout>
  );
}

export function ConfirmEmailPage(props: { page: PageContext; token: string; usable: boolean }) {
  const { t } = props.page;
  return (
    <Layout page={props.page} title={t.confirmEmailTitle}>
      {props.usable ? (
        <form class="stack" method="post" action="/confirm-email">
          <CsrfField session={props.page.session} />
          <input type="hidden" name="token" value={props.token} />
          <p>{t.confirmEmailText}</p>
          <button type="submit">{t.confirmEmailSubmit}</button>
        </form>
      ) : (
        <p class="alert" role="alert">
          {t.confirmEmailInvalid} <a href="/forgot-password">{t.forgotPassword}</a>
        </p>
      )}
    </Layout>
  );
}
