import { z } from '@hono/zod-openapi';
import { signUp } from '../services/accounts';
import { logIn } from '../services/auth';
import { completePasswordReset, requestPasswordReset } from '../services/password-reset';
import { confirmEmail } from '../services/email-confirmation';
import { csrfTokenFor } from '../services/sessions';
import { logOut, logOutEverywhere } from '../services/logout';
import { beginTotpEnrolment, confirmTotpEnrolment, disableTotp } from '../services/totp';
import {
  confirmEmailBody,
  loginBody,
  passwordResetCompleteBody,
  passwordResetRequestBody,
  signUpBody,
  totpConfirmBody,
  totpDisableBody,
} from '../lib/input';
import { afterResponse } from '../lib/after-response';
import { errorResponses, jsonBody, jsonResponse } from '../lib/openapi';
import { jsonRoute, routeArea } from '../lib/route';
import { accountActor, clearSessionCookie, currentSession, setSessionCookie } from '../lib/session';

const sessionUser = z
  .object({
    id: z.string(),
    role: z.enum(['therapist', 'dpo']),
    displayName: z.string(),
    practiceId: z.string().nullable(),
    totpEnabled: z.boolean(),
  })
  .openapi('SessionUser');
const sessionResponse = z.object({ user: sessionUser, csrfToken: z.string() }).openapi('Session');
const noContent = { description: 'Done' };

/** Mounted at /api/auth. */
export const authApi = routeArea();

const checkEmail = z.object({ ok: z.literal(true) }).openapi('CheckYourEmail');

authApi.openapi(
  jsonRoute({
    method: 'post',
    path: '/signup',
    access: 'public',
    operationId: 'signUp',
    summary: 'Create a practice and its owner account, inactive until the emailed link is used; requires accepting the data-processing agreement',
    description: 'The answer is the same whether or not the address already has an account; its owner is told by email instead.',
    request: { body: jsonBody(signUpBody) },
    responses: {
      202: jsonResponse('Check your email: a single-use link activates the account', checkEmail),
      409: errorResponses[422],
      ...errorResponses,
    },
  }),
  async (c) => {
    const input = c.req.valid('json');
    const { deliver } = await signUp(c.var.deps, { ...input, locale: input.locale ?? c.var.locale });
    await afterResponse(c, deliver);
    return c.json({ ok: true as const }, 202);
  },
);

authApi.openapi(
  jsonRoute({
    method: 'post',
    path: '/confirm-email',
    access: 'public',
    operationId: 'confirmEmail',
    summary: 'Activate a new account with the emailed single-use link token; signs in',
    request: { body: jsonBody(confirmEmailBody) },
    responses: { 200: jsonResponse('Confirmed and signed in', z.object({ csrfToken: z.string() })), ...errorResponses },
  }),
  async (c) => {
    const { token } = await confirmEmail(c.var.deps, c.req.valid('json').token);
    setSessionCookie(c, token);
    return c.json({ csrfToken: await csrfTokenFor(token) }, 200);
  },
);

authApi.openapi(
  jsonRoute({
    method: 'post',
    path: '/login',
    access: 'public',
    operationId: 'logIn',
    summary: 'Sign in; sets the same __Host-session cookie the pages use',
    request: { body: jsonBody(loginBody) },
    responses: { 200: jsonResponse('Signed in', z.object({ csrfToken: z.string() })), 429: errorResponses[401], ...errorResponses },
  }),
  async (c) => {
    const { token } = await logIn(c.var.deps, c.req.valid('json'));
    setSessionCookie(c, token);
    return c.json({ csrfToken: await csrfTokenFor(token) }, 200);
  },
);

authApi.openapi(
  jsonRoute({ method: 'post', path: '/logout', access: 'public', operationId: 'logOut', summary: 'End this session', responses: { 204: noContent, ...errorResponses } }),
  async (c) => {
    const session = c.var.session;
    if (session) await logOut(c.var.deps, accountActor(c), session.sessionId);
    clearSessionCookie(c);
    return c.body(null, 204);
  },
);

authApi.openapi(
  jsonRoute({ method: 'post', path: '/logout-all', access: 'signed-in', operationId: 'logOutEverywhere', summary: 'End every session of this account', responses: { 204: noContent, ...errorResponses } }),
  async (c) => {
    await logOutEverywhere(c.var.deps, accountActor(c));
    clearSessionCookie(c);
    return c.body(null, 204);
  },
);

authApi.openapi(
  jsonRoute({ method: 'get', path: '/session', access: 'signed-in', operationId: 'getSession', summary: 'The signed-in account and its CSRF token', responses: { 200: jsonResponse('Session', sessionResponse), ...errorResponses } }),
  (c) => {
    const { user, csrfToken } = currentSession(c);
    return c.json({ user: { id: user.id, role: user.role, displayName: user.displayName, practiceId: user.practiceId, totpEnabled: user.totpEnabled }, csrfToken }, 200);
  },
);

authApi.openapi(
  jsonRoute({
    method: 'post',
    path: '/password-reset',
    access: 'public',
    operationId: 'requestPasswordReset',
    summary: 'Email a single-use reset link; the answer is the same whether or not the address is known',
    request: { body: jsonBody(passwordResetRequestBody) },
    responses: { 202: jsonResponse('Accepted', z.object({ ok: z.literal(true) })), ...errorResponses },
  }),
  async (c) => {
    const { email } = c.req.valid('json');
    await afterResponse(c, () => requestPasswordReset(c.var.deps, email, c.var.locale));
    return c.json({ ok: true as const }, 202);
  },
);

authApi.openapi(
  jsonRoute({
    method: 'post',
    path: '/password-reset/complete',
    access: 'public',
    operationId: 'completePasswordReset',
    summary: 'Set a new password with the emailed token (and the second factor, if enrolled); ends every other session and link, signs in',
    request: { body: jsonBody(passwordResetCompleteBody) },
    responses: { 200: jsonResponse('Password changed and signed in', z.object({ ok: z.literal(true), csrfToken: z.string() })), ...errorResponses },
  }),
  async (c) => {
    const { token, password, totp } = c.req.valid('json');
    const session = await completePasswordReset(c.var.deps, token, password, totp);
    setSessionCookie(c, session.token);
    return c.json({ ok: true as const, csrfToken: await csrfTokenFor(session.token) }, 200);
  },
);

authApi.openapi(
  jsonRoute({
    method: 'post',
    path: '/totp/enrol',
    access: 'signed-in',
    operationId: 'startTotpEnrolment',
    summary: 'Start enrolling a TOTP second factor',
    responses: { 200: jsonResponse('Secret to add to an authenticator app', z.object({ secret: z.string(), uri: z.string() })), ...errorResponses },
  }),
  async (c) => {
    const { secret, uri } = await beginTotpEnrolment(c.var.deps, currentSession(c).user.id);
    return c.json({ secret, uri }, 200);
  },
);

authApi.openapi(
  jsonRoute({
    method: 'post',
    path: '/totp/confirm',
    access: 'signed-in',
    operationId: 'confirmTotpEnrolment',
    summary: 'Confirm enrolment with a current code; returns single-use recovery codes once',
    request: { body: jsonBody(totpConfirmBody) },
    responses: { 200: jsonResponse('Enrolled', z.object({ recoveryCodes: z.array(z.string()) })), ...errorResponses },
  }),
  async (c) => {
    const result = await confirmTotpEnrolment(c.var.deps, accountActor(c), c.req.valid('json').code);
    return c.json(result, 200);
  },
);

authApi.openapi(
  jsonRoute({
    method: 'post',
    path: '/totp/disable',
    access: 'signed-in',
    operationId: 'disableTotp',
    summary: 'Remove the second factor (needs the password)',
    request: { body: jsonBody(totpDisableBody) },
    responses: { 204: noContent, ...errorResponses },
  }),
  async (c) => {
    await disableTotp(c.var.deps, accountActor(c), c.req.valid('json').password);
    return c.body(null, 204);
  },
);
