import { CheckEmailPage, ConfirmEmailPage, ForgotPasswordPage, LoginPage, ResetPasswordPage, SignUpPage } from '../../web/pages/auth';
import { DPA_VERSION, dpaText } from '../domain/dpa';
import { signUp } from '../services/accounts';
import { logIn } from '../services/auth';
import { confirmEmail, isConfirmationUsable } from '../services/email-confirmation';
import { completePasswordReset, requestPasswordReset, resetLinkView } from '../services/password-reset';
import { logOut, logOutEverywhere } from '../services/logout';
import { afterResponse } from '../lib/after-response';
import { confirmEmailBody, formValues, loginBody, passwordResetCompleteBody, passwordResetRequestBody, signUpBody } from '../lib/input';
import { formFailure, pageContext, parseForm, safeNext } from '../lib/pages';
import { routeArea } from '../lib/route';
import { accountActor, clearSessionCookie, setSessionCookie } from '../lib/session';

/** Mounted at /: sign-up, sign-in and out, password reset and email confirmation pages. */
export const authPages = routeArea();

function homeFor(role: 'therapist' | 'dpo') {
  return role === 'dpo' ? '/dpo' : '/dashboard';
}

authPages.get('/signup', 'public', (c) => {
  if (c.req.query('sent')) return c.html(<CheckEmailPage page={pageContext(c)} />);
  return c.html(<SignUpPage page={pageContext(c)} state={{}} dpaText={dpaText(c.var.locale)} dpaVersion={DPA_VERSION} />);
});

authPages.post('/signup', 'public', async (c) => {
  const values = formValues(await c.req.parseBody(), ['acceptDpa']);
  try {
    const input = parseForm(signUpBody, values);
    const { deliver } = await signUp(c.var.deps, { ...input, locale: c.var.locale });
    await afterResponse(c, deliver);
    return c.redirect('/signup?sent=1', 303);
  } catch (error) {
    const { state, status } = formFailure(error, values, c.var.locale);
    return c.html(<SignUpPage page={pageContext(c)} state={state} dpaText={dpaText(c.var.locale)} dpaVersion={DPA_VERSION} />, status);
  }
});

authPages.get('/login', 'public', (c) => {
  const notice = c.req.query('reset') === 'done' ? pageContext(c).t.resetDone : undefined;
  return c.html(<LoginPage page={pageContext(c)} state={{}} next={c.req.query('next')} notice={notice} />);
});

authPages.post('/login', 'public', async (c) => {
  const values = formValues(await c.req.parseBody());
  try {
    const { token, role } = await logIn(c.var.deps, parseForm(loginBody, values));
    // A new token at every sign-in; any session this browser had before is ended.
    if (c.var.session) await logOut(c.var.deps, accountActor(c), c.var.session.sessionId);
    setSessionCookie(c, token);
    return c.redirect(safeNext(values.next, homeFor(role)), 303);
  } catch (error) {
    const { state, status } = formFailure(error, values, c.var.locale);
    const next = typeof values.next === 'string' ? values.next : undefined;
    return c.html(<LoginPage page={pageContext(c)} state={state} next={next} />, status);
  }
});

authPages.post('/logout', 'public', async (c) => {
  if (c.var.session) await logOut(c.var.deps, accountActor(c), c.var.session.sessionId);
  clearSessionCookie(c);
  return c.redirect('/login', 303);
});

authPages.post('/logout-everywhere', 'signed-in', async (c) => {
  await logOutEverywhere(c.var.deps, accountActor(c));
  clearSessionCookie(c);
  return c.redirect('/login', 303);
});

authPages.get('/forgot-password', 'public', (c) => c.html(<ForgotPasswordPage page={pageContext(c)} state={{}} sent={false} />));

authPages.post('/forgot-password', 'public', async (c) => {
  const values = formValues(await c.req.parseBody());
  try {
    const { email } = parseForm(passwordResetRequestBody, values);
    await afterResponse(c, () => requestPasswordReset(c.var.deps, email, c.var.locale));
    return c.html(<ForgotPasswordPage page={pageContext(c)} state={{}} sent={true} />, 202);
  } catch (error) {
    const { state, status } = formFailure(error, values, c.var.locale);
    return c.html(<ForgotPasswordPage page={pageContext(c)} state={state} sent={false} />, status);
  }
});

authPages.get('/reset-password', 'public', async (c) => {
  const token = c.req.query('token') ?? '';
  const view = token.length >= 20 && token.length <= 128 ? await resetLinkView(c.var.deps, token) : { usable: false, needsCode: false };
  return c.html(<ResetPasswordPage page={pageContext(c)} state={{}} token={token} {...view} />, view.usable ? 200 : 400);
});

authPages.post('/reset-password', 'public', async (c) => {
  const values = formValues(await c.req.parseBody());
  try {
    const { token, password, totp } = parseForm(passwordResetCompleteBody, values);
    const session = await completePasswordReset(c.var.deps, token, password, totp);
    if (c.var.session) await logOut(c.var.deps, accountActor(c), c.var.session.sessionId);
    setSessionCookie(c, session.token);
    return c.redirect(homeFor(session.role), 303);
  } catch (error) {
    const { state, status } = formFailure(error, values, c.var.locale);
    const token = typeof values.token === 'string' ? values.token : '';
    const view = status === 400 ? { usable: false, needsCode: false } : await resetLinkView(c.var.deps, token);
    return c.html(<ResetPasswordPage page={pageContext(c)} state={state} token={token} {...view} />, status);
  }
});

/** The emailed link opens a page with a button: mail scanners that fetch links must not use it up. */
authPages.get('/confirm-email', 'public', async (c) => {
  const token = c.req.query('token') ?? '';
  const usable = token.length >= 20 && token.length <= 128 && (await isConfirmationUsable(c.var.deps, token));
  return c.html(<ConfirmEmailPage page={pageContext(c)} token={token} usable={usable} />, usable ? 200 : 400);
});

authPages.post('/confirm-email', 'public', async (c) => {
  const values = formValues(await c.req.parseBody());
  try {
    const { token } = parseForm(confirmEmailBody, values);
    const session = await confirmEmail(c.var.deps, token);
    if (c.var.session) await logOut(c.var.deps, accountActor(c), c.var.session.sessionId);
    setSessionCookie(c, session.token);
    return c.redirect(homeFor(session.role), 303);
  } catch (error) {
    const { status } = formFailure(error, values, c.var.locale);
    return c.html(<ConfirmEmailPage page={pageContext(c)} token="" usable={false} />, status);
  }
});
