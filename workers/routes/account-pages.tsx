import { DashboardPage, DpoPage, SecurityPage } from '../../web/pages/account';
import { findPractice } from '../services/practices';
import { beginTotpEnrolment, confirmTotpEnrolment, disableTotp } from '../services/totp';
import { AppError } from '../lib/errors';
import { formValues, totpConfirmBody, totpDisableBody } from '../lib/input';
import { formFailure, pageContext, parseForm } from '../lib/pages';
import { routeArea } from '../lib/route';
import { accountActor, currentSession } from '../lib/session';

/** Mounted at /: each role's home page and the second-factor settings of any account. */
export const accountPages = routeArea();

accountPages.get('/dashboard', 'therapist', async (c) => {
  const { user } = currentSession(c);
  const practice = user.practiceId ? await findPractice(c.var.deps, user.practiceId) : undefined;
  if (!practice) throw new AppError('NOT_FOUND', 'practice.notFound');
  return c.html(<DashboardPage page={pageContext(c)} practice={practice} now={c.var.deps.now()} />);
});

accountPages.get('/dpo', 'dpo', (c) => c.html(<DpoPage page={pageContext(c)} />));

accountPages.get('/account/security', 'signed-in', (c) => {
  // The DPO console requires a second factor in production; the console sends the DPO here to enrol one.
  const message = c.req.query('notice') === 'totp-required' ? 'Enrol a second factor to use the DPO console.' : undefined;
  return c.html(<SecurityPage page={pageContext(c)} state={{ message }} />);
});

accountPages.post('/account/totp/start', 'signed-in', async (c) => {
  const enrolment = await beginTotpEnrolment(c.var.deps, currentSession(c).user.id);
  return c.html(<SecurityPage page={pageContext(c)} state={{}} enrolment={enrolment} />);
});

accountPages.post('/account/totp/confirm', 'signed-in', async (c) => {
  const values = formValues(await c.req.parseBody());
  try {
    const { code } = parseForm(totpConfirmBody, values);
    const { recoveryCodes } = await confirmTotpEnrolment(c.var.deps, accountActor(c), code);
    const page = pageContext(c);
    const session = page.session ? { ...page.session, user: { ...page.session.user, totpEnabled: true } } : null;
    return c.html(<SecurityPage page={{ ...page, session }} state={{}} recoveryCodes={recoveryCodes} />);
  } catch (error) {
    const { state, status } = formFailure(error, values, c.var.locale);
    // Restart enrolment so the form shows a fresh QR code next to the message.
    const enrolment = status === 422 ? await beginTotpEnrolment(c.var.deps, currentSession(c).user.id) : undefined;
    return c.html(<SecurityPage page={pageContext(c)} state={state} enrolment={enrolment} />, status);
  }
});

accountPages.post('/account/totp/disable', 'signed-in', async (c) => {
  const values = formValues(await c.req.parseBody());
  try {
    await disableTotp(c.var.deps, accountActor(c), parseForm(totpDisableBody, values).password);
    return c.redirect('/account/security', 303);
  } catch (error) {
    const { state, status } = formFailure(error, values, c.var.locale);
    return c.html(<SecurityPage page={pageContext(c)} state={state} />, status);
  }
});
