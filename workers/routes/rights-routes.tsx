import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { rightsMessages } from '../../web/i18n/rights';
import type { FormState } from '../../web/components/text-field';
import { DpoQueuePage, DpoRequestPage, type FailedForm, PracticeRequestsPage } from '../../web/pages/dpo-requests';
import { RequestConfirmedPage, RightsPortalPage, VerifyRequestPage } from '../../web/pages/rights';
import { errorBodySchema } from '../lib/errors';
import type { HonoEnv } from '../lib/hono-env';
import { formValues } from '../lib/input';
import { errorResponses, jsonBody, jsonResponse } from '../lib/openapi';
import { formAction, formFailure, pageContext, parseForm } from '../lib/pages';
import {
  answerForm,
  commentForm,
  completeForm,
  downloadForm,
  extendForm,
  reasonForm,
  rectifyForm,
  rightsFormValues,
  rightsRequestBody,
  verifyInPersonForm,
} from '../lib/rights-input';
import { afterResponse } from '../lib/after-response';
import { jsonRoute, routeArea } from '../lib/route';
import { currentSession, dpoActor } from '../lib/session';
import { practiceIdOf } from '../lib/tenant';
import {
  answerSubject,
  commentAsDpo,
  commentOn,
  completeRequest,
  erase,
  extendDeadline,
  type Officer,
  rectify,
  rejectRequest,
  restrictOrObject,
  sendDownloadLink,
  startWork,
  verifyInPerson,
  withdrawConsents,
} from '../services/rights-actions';
import { confirmRequest, practiceRequest, practiceRequests, requestDetail, requestQueue, submitRightsRequest, verificationView } from '../services/rights-requests';

/** Mounted at /rights: the public rights portal and the subject's verification link. */
export const rightsPortal = routeArea();
/** Mounted at /api/rights: the portal as JSON. */
export const rightsApi = routeArea();
/** Mounted at /dpo/requests: the DPO's request console. */
export const dpoRequests = routeArea();
/** Mounted at /dashboard/requests: the practice's view of requests about its clients, and its comments. */
export const practiceRequestsPages = routeArea();

type Ctx = Context<HonoEnv>;
type Values = Record<string, unknown>;

/**
 * The verification mail goes out after the response, so the portal answers a client's address and a stranger's in
 * the same time as well as with the same words.
 */
function renderPortal(c: Ctx, state: FormState = {}, status: ContentfulStatusCode = 200, checked: string[] = []) {
  const r = rightsMessages(c.var.locale);
  const practice = (c.req.query('practice') ?? '').slice(0, 64);
  const notice = c.req.query('received') ? r.received : undefined;
  return c.html(<RightsPortalPage page={pageContext(c)} r={r} practice={practice} checked={checked} state={state} notice={notice} />, status);
}

rightsPortal.get('/', 'public', (c) => renderPortal(c));

rightsPortal.post('/', 'public', async (c) => {
  const values = rightsFormValues(await c.req.parseBody({ all: true }));
  try {
    const input = parseForm(rightsRequestBody, values);
    const { deliver } = await submitRightsRequest(c.var.deps, input, c.var.locale);
    await afterResponse(c, deliver);
    return c.redirect(`/rights?practice=${encodeURIComponent(input.practice)}&received=1`, 303);
  } catch (error) {
    const { state, status } = formFailure(error, values, c.var.locale);
    const checked = Array.isArray(values.types) ? values.types.filter((type): type is string => typeof type === 'string') : [];
    return renderPortal(c, state, status, checked);
  }
});

rightsApi.openapi(
  jsonRoute({
    method: 'post',
    path: '/requests',
    access: 'public',
    operationId: 'submitRightsRequest',
    summary: 'Send a data-subject request to a practice; the answer is the same whether or not the address is a client’s',
    request: { body: jsonBody(rightsRequestBody) },
    responses: {
      202: jsonResponse('Received; a confirmation link goes to the address if it belongs to a client', z.object({ ok: z.literal(true), message: z.string() })),
      404: { description: 'No practice has this booking address', content: { 'application/json': { schema: errorBodySchema } } },
      ...errorResponses,
    },
  }),
  async (c) => {
    const { deliver } = await submitRightsRequest(c.var.deps, c.req.valid('json'), c.var.locale);
    await afterResponse(c, deliver);
    return c.json({ ok: true as const, message: rightsMessages(c.var.locale).received }, 202);
  },
);

rightsPortal.get('/verify/:token', 'subject-link', async (c) => {
  const token = c.req.param('token');
  const view = await verificationView(c.var.deps, token);
  return c.html(<VerifyRequestPage page={pageContext(c)} r={rightsMessages(c.var.locale)} token={token} {...view} />);
});

// The link is used up by this POST, so the result is shown in place rather than behind a redirect to a URL without it.
rightsPortal.post('/verify/:token', 'subject-link', async (c) => {
  const view = await confirmRequest(c.var.deps, c.req.param('token'));
  return c.html(<RequestConfirmedPage page={pageContext(c)} r={rightsMessages(c.var.locale)} view={view} />);
});


dpoRequests.get('/', 'dpo', async (c) => c.html(<DpoQueuePage page={pageContext(c)} r={rightsMessages(c.var.locale)} rows={await requestQueue(c.var.deps)} />));

async function renderRequest(c: Ctx, id: string, failed: FailedForm = undefined, status: ContentfulStatusCode = 200) {
  const r = rightsMessages(c.var.locale);
  const detail = await requestDetail(c.var.deps, id);
  const notice = c.req.query('done') ? r.done : undefined;
  return c.html(<DpoRequestPage page={pageContext(c)} r={r} detail={detail} failed={failed} notice={notice} now={c.var.deps.now()} />, status);
}

dpoRequests.get('/:id', 'dpo', (c) => renderRequest(c, c.req.param('id')));

/** Runs one console action: 303 back to the request with a notice, or the page with the message at the form. */
function dpoAction(c: Ctx, id: string, form: string, run: (values: Values, officer: Officer) => Promise<unknown>) {
  return formAction(
    c,
    async (values) => {
      await run(values, dpoActor(c));
      return c.redirect(`/dpo/requests/${id}?done=${form}`, 303);
    },
    ({ state, status }) => renderRequest(c, id, { form, state }, status),
  );
}

const ACTIONS: Record<string, (c: Ctx, id: string, values: Values, officer: Officer) => Promise<unknown>> = {
  start: (c, id, _values, officer) => startWork(c.var.deps, officer, id),
  'verify-in-person': (c, id, values, officer) => verifyInPerson(c.var.deps, officer, id, parseForm(verifyInPersonForm, values).clientId),
  extend: (c, id, values, officer) => extendDeadline(c.var.deps, officer, id, parseForm(extendForm, values)),
  'download-link': (c, id, values, officer) => sendDownloadLink(c.var.deps, officer, id, parseForm(downloadForm, values).format),
  rectify: (c, id, values, officer) => rectify(c.var.deps, officer, id, parseForm(rectifyForm, values)),
  erase: (c, id, _values, officer) => erase(c.var.deps, officer, id),
  restrict: (c, id, _values, officer) => restrictOrObject(c.var.deps, officer, id, 'restriction'),
  object: (c, id, _values, officer) => restrictOrObject(c.var.deps, officer, id, 'objection'),
  withdraw: (c, id, _values, officer) => withdrawConsents(c.var.deps, officer, id),
  answer: (c, id, values, officer) => answerSubject(c.var.deps, officer, id, parseForm(answerForm, values).message),
  complete: (c, id, values, officer) => completeRequest(c.var.deps, officer, id, parseForm(completeForm, values).outcome),
  reject: (c, id, values, officer) => rejectRequest(c.var.deps, officer, id, parseForm(reasonForm, values).reason),
  comment: (c, id, values, officer) => commentAsDpo(c.var.deps, officer, id, parseForm(commentForm, values).note),
};

for (const [form, action] of Object.entries(ACTIONS)) {
  dpoRequests.post(`/:id/${form}`, 'dpo', (c) => {
    const id = c.req.param('id');
    return dpoAction(c, id, form, (values, officer) => action(c, id, values, officer));
  });
}


async function renderPracticeRequests(c: Ctx, failed: FailedForm = undefined, status: ContentfulStatusCode = 200) {
  const r = rightsMessages(c.var.locale);
  const rows = await practiceRequests(c.var.deps, practiceIdOf(c));
  return c.html(<PracticeRequestsPage page={pageContext(c)} r={r} rows={rows} failed={failed} notice={c.req.query('commented') ? r.commentSaved : undefined} />, status);
}

practiceRequestsPages.get('/', 'therapist', (c) => renderPracticeRequests(c));

practiceRequestsPages.post('/:id/comment', 'therapist', async (c) => {
  const id = c.req.param('id');
  const request = await practiceRequest(c.var.deps, practiceIdOf(c), id);
  const values = formValues(await c.req.parseBody());
  try {
    await commentOn(c.var.deps, request, { actor: 'practice', userId: currentSession(c).user.id }, parseForm(commentForm, values).note);
    return c.redirect(`/dashboard/requests?commented=1#request-${id}`, 303);
  } catch (error) {
    const { state, status } = formFailure(error, values, c.var.locale);
    return renderPracticeRequests(c, { form: id, state }, status);
  }
});
