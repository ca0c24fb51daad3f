import { z } from '@hono/zod-openapi';
import { AuditLogPage } from '../../web/pages/audit-log';
import { CalendarFeedPage, type FeedNotice } from '../../web/pages/calendar-feed';
import { DeleteAccountPage } from '../../web/pages/delete-account';
import { ExportPage } from '../../web/pages/export';
import { errorBodySchema, fieldIssue } from '../lib/errors';
import { formValues, passwordField, totpField } from '../lib/input';
import { downloadContent, errorResponses } from '../lib/openapi';
import { formFailure, pageContext, parseForm } from '../lib/pages';
import { jsonRoute, routeArea } from '../lib/route';
import { clearSessionCookie, currentSession, therapistActor } from '../lib/session';
import { practiceIdOf } from '../lib/tenant';
import { deleteAccount, deletionPreview } from '../services/account-deletion';
import { auditLogPage } from '../services/audit-log';
import { calendarFeedStream, feedState, feedUrl, issueFeed, revokeFeed, setFeedNames } from '../services/calendar-feed';
import { type ExportDownload, exportClient, exportOverview, exportPractice } from '../services/export';

// The dashboard's data tools: export (Art. 15/20 GDPR), the private calendar feed, account deletion (Art. 17) and
// the audit log (Art. 5(2)).

/** Mounted at /api: the two JSON export downloads, documented in /api/openapi.json. */
export const exportApi = routeArea();
/** Mounted at /dashboard: the export, calendar-feed, account-deletion and audit-log pages. */
export const dataToolsPages = routeArea();
/** Mounted at /calendar: the private calendar feed; its token is the credential. */
export const calendarFeed = routeArea();

function download(file: ExportDownload): Response {
  return new Response(file.body, {
    headers: { 'content-type': file.contentType, 'content-disposition': `attachment; filename="${file.filename}"` },
  });
}

const streamed = {
  description:
    'The export, streamed: application/json (every table, columns as annotated), text/csv (one row per record, first column the table) or application/fhir+json (an R4 Bundle of type collection)',
  content: downloadContent(['application/json', 'text/csv', 'application/fhir+json']),
};
const notFound = { description: 'No such client in your practice', content: { 'application/json': { schema: errorBodySchema } } };

exportApi.openapi(
  jsonRoute({
    method: 'get',
    path: '/clients/{id}/export',
    access: 'therapist',
    operationId: 'exportClient',
    summary: 'One client’s data (Art. 15/20 GDPR) as JSON, CSV or a FHIR R4 Bundle; credentials are never included',
    request: {
      params: z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }) }),
      query: z.object({ format: z.enum(['json', 'csv', 'fhir']).default('json') }),
    },
    responses: { 200: streamed, 404: notFound, ...errorResponses },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const file = await exportClient(c.var.deps, therapistActor(c), id, c.req.valid('query').format);
    return download(file);
  },
);

exportApi.openapi(
  jsonRoute({
    method: 'get',
    path: '/export',
    access: 'therapist',
    operationId: 'exportPractice',
    summary: 'The whole practice as JSON or a FHIR R4 Bundle, streamed page by page',
    request: { query: z.object({ format: z.enum(['json', 'fhir']).default('json') }) },
    responses: { 200: { ...streamed, content: downloadContent(['application/json', 'application/fhir+json']) }, ...errorResponses },
  }),
  async (c) => download(await exportPractice(c.var.deps, therapistActor(c), c.req.valid('query').format)),
);

const overviewPage = z.coerce.number().int().min(0).max(100_000).catch(0);

dataToolsPages.get('/export', 'therapist', async (c) => {
  const overview = await exportOverview(c.var.deps, practiceIdOf(c), overviewPage.parse(c.req.query('page')));
  return c.html(<ExportPage page={pageContext(c)} overview={overview} nonce={c.get('secureHeadersNonce')} />);
});

// ------------------------------------------------------------------------------------------------ calendar feed

const feedNotice = z.enum(['saved', 'revoked']).optional().catch(undefined);

dataToolsPages.get('/calendar-feed', 'therapist', async (c) => {
  const notice: FeedNotice | undefined = feedNotice.parse(c.req.query('done'));
  return c.html(<CalendarFeedPage page={pageContext(c)} feed={await feedState(c.var.deps, practiceIdOf(c))} notice={notice} />);
});

// Create and rotate answer with the page itself: the new address exists only in this response, never in a redirect URL.
for (const action of ['create', 'rotate'] as const) {
  dataToolsPages.post(`/calendar-feed/${action}`, 'therapist', async (c) => {
    const actor = therapistActor(c);
    const { token } = await issueFeed(c.var.deps, actor);
    const feed = await feedState(c.var.deps, actor.practiceId);
    return c.html(<CalendarFeedPage page={pageContext(c)} feed={feed} freshUrl={feedUrl(c.var.deps, token)} />);
  });
}

dataToolsPages.post('/calendar-feed/revoke', 'therapist', async (c) => {
  await revokeFeed(c.var.deps, therapistActor(c));
  return c.redirect('/dashboard/calendar-feed?done=revoked', 303);
});

dataToolsPages.post('/calendar-feed/names', 'therapist', async (c) => {
  const practiceId = practiceIdOf(c);
  const values = formValues(await c.req.parseBody(), ['includeNames']);
  try {
    await setFeedNames(c.var.deps, therapistActor(c), values.includeNames === true);
    return c.redirect('/dashboard/calendar-feed?done=saved', 303);
  } catch (error) {
    const { state, status } = formFailure(error, values, c.var.locale);
    return c.html(<CalendarFeedPage page={pageContext(c)} feed={await feedState(c.var.deps, practiceId)} error={state.message} />, status);
  }
});

calendarFeed.get('/:token', 'public', async (c) => {
  const body = await calendarFeedStream(c.var.deps, c.req.param('token'));
  return new Response(body, { headers: { 'content-type': 'text/calendar; charset=utf-8', 'content-disposition': 'inline; filename="praxisraum.ics"' } });
});

// ------------------------------------------------------------------------------------------------ account deletion

const deletionBody = z.object({
  confirmSlug: z.string({ error: fieldIssue('export.typeSlug') }).trim().min(1, fieldIssue('export.typeSlug')).max(64, fieldIssue('field.tooLongShort')),
  password: passwordField,
  totp: totpField,
});

dataToolsPages.get('/delete-account', 'therapist', async (c) => {
  const { slug } = await deletionPreview(c.var.deps, practiceIdOf(c));
  return c.html(<DeleteAccountPage page={pageContext(c)} slug={slug} state={{}} />);
});

dataToolsPages.post('/delete-account', 'therapist', async (c) => {
  const actor = therapistActor(c);
  const values = formValues(await c.req.parseBody());
  try {
    await deleteAccount(c.var.deps, actor, parseForm(deletionBody, values));
    clearSessionCookie(c);
    return c.redirect('/?notice=account-deleted', 303);
  } catch (error) {
    const { state, status } = formFailure(error, values, c.var.locale);
    const { slug } = await deletionPreview(c.var.deps, actor.practiceId);
    return c.html(<DeleteAccountPage page={pageContext(c)} slug={slug} state={state} />, status);
  }
});

// ------------------------------------------------------------------------------------------------ audit log

dataToolsPages.get('/audit', 'therapist', async (c) => {
  const before = c.req.query('before');
  const log = await auditLogPage(c.var.deps, practiceIdOf(c), currentSession(c).user.id, before);
  return c.html(<AuditLogPage page={pageContext(c)} log={log} paged={!!before} />);
});
