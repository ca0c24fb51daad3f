import { createRoute, z } from '@hono/zod-openapi';
import { AuditLogPage } from '../../web/pages/audit-log';
import { CalendarFeedPage, type FeedNotice } from '../../web/pages/calendar-feed';
import { DeleteAccountPage } from '../../web/pages/delete-account';
import { ExportPage } from '../../web/pages/export';
import { errorBodySchema } from '../lib/errors';
import { formValues, passwordField, totpField } from '../lib/input';
import { errorResponses, jsonApi } from '../lib/openapi';
import { formFailure, pageContext, parseForm } from '../lib/pages';
import { clearSessionCookie, currentSession, requireRole } from '../lib/session';
import { practiceIdOf } from '../lib/tenant';
import { deleteAccount, deletionPreview } from '../services/account-deletion';
import { auditLogPage } from '../services/audit-log';
import { calendarFeedStream, feedState, feedUrl, issueFeed, revokeFeed, setFeedNames } from '../services/calendar-feed';
import { type ExportDownload, exportClient, exportOverview, exportPractice } from '../services/export';
import type { Access } from './access';

/**
 * The dashboard's data tools: export (Art. 15/20 GDPR), the private calendar feed, account deletion (Art. 17) and
 * the audit log (Art. 5(2)). An OpenAPI sub-app, so the two JSON export endpoints appear in /api/openapi.json.
 */
export const exportRoutes = jsonApi();

export const EXPORT_ACCESS: Record<string, Access> = {
  'GET /api/clients/:id/export': 'therapist',
  'GET /api/export': 'therapist',
  'GET /dashboard/export': 'therapist',
  'GET /dashboard/calendar-feed': 'therapist',
  'POST /dashboard/calendar-feed/create': 'therapist',
  'POST /dashboard/calendar-feed/rotate': 'therapist',
  'POST /dashboard/calendar-feed/revoke': 'therapist',
  'POST /dashboard/calendar-feed/names': 'therapist',
  'GET /calendar/:token': 'public',
  'GET /dashboard/delete-account': 'therapist',
  'POST /dashboard/delete-account': 'therapist',
  'GET /dashboard/audit': 'therapist',
};

for (const path of ['/api/export', '/api/clients/:id/export', '/dashboard/export', '/dashboard/calendar-feed', '/dashboard/calendar-feed/*', '/dashboard/delete-account', '/dashboard/audit']) {
  exportRoutes.use(path, requireRole('therapist'));
}

function download(file: ExportDownload): Response {
  return new Response(file.body, {
    headers: { 'content-type': file.contentType, 'content-disposition': `attachment; filename="${file.filename}"` },
  });
}

const streamed = {
  description:
    'The export, streamed: application/json (every table, columns as annotated), text/csv (one row per record, first column the table) or application/fhir+json (an R4 Bundle of type collection)',
};
const notFound = { description: 'No such client in your practice', content: { 'application/json': { schema: errorBodySchema } } };

exportRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/api/clients/{id}/export',
    summary: 'One client’s data (Art. 15/20 GDPR) as JSON, CSV or a FHIR R4 Bundle; credentials are never included',
    request: {
      params: z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }) }),
      query: z.object({ format: z.enum(['json', 'csv', 'fhir']).default('json') }),
    },
    responses: { 200: streamed, 404: notFound, ...errorResponses },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const file = await exportClient(c.var.deps, practiceIdOf(c), id, currentSession(c).user.id, c.req.valid('query').format);
    return download(file);
  },
);

exportRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/api/export',
    summary: 'The whole practice as JSON or a FHIR R4 Bundle, streamed page by page',
    request: { query: z.object({ format: z.enum(['json', 'fhir']).default('json') }) },
    responses: { 200: streamed, ...errorResponses },
  }),
  async (c) => download(await exportPractice(c.var.deps, practiceIdOf(c), currentSession(c).user.id, c.req.valid('query').format)),
);

const overviewPage = z.coerce.number().int().min(0).max(100_000).catch(0);

exportRoutes.get('/dashboard/export', async (c) => {
  const overview = await exportOverview(c.var.deps, practiceIdOf(c), overviewPage.parse(c.req.query('page')));
  return c.html(<ExportPage page={pageContext(c)} overview={overview} nonce={c.get('secureHeadersNonce')} />);
});

// ------------------------------------------------------------------------------------------------ calendar feed

const feedNotice = z.enum(['saved', 'revoked']).optional().catch(undefined);

exportRoutes.get('/dashboard/calendar-feed', async (c) => {
  const notice: FeedNotice | undefined = feedNotice.parse(c.req.query('done'));
  return c.html(<CalendarFeedPage page={pageContext(c)} feed={await feedState(c.var.deps, practiceIdOf(c))} notice={notice} />);
});

// Create and rotate answer with the page itself: the new address exists only in this response, never in a redirect URL.
for (const action of ['create', 'rotate'] as const) {
  exportRoutes.post(`/dashboard/calendar-feed/${action}`, async (c) => {
    const practiceId = practiceIdOf(c);
    const { token } = await issueFeed(c.var.deps, practiceId, currentSession(c).user.id);
    const feed = await feedState(c.var.deps, practiceId);
    return c.html(<CalendarFeedPage page={pageContext(c)} feed={feed} freshUrl={feedUrl(c.var.deps, token)} />);
  });
}

exportRoutes.post('/dashboard/calendar-feed/revoke', async (c) => {
  await revokeFeed(c.var.deps, practiceIdOf(c), currentSession(c).user.id);
  return c.redirect('/dashboard/calendar-feed?done=revoked', 303);
});

exportRoutes.post('/dashboard/calendar-feed/names', async (c) => {
  const practiceId = practiceIdOf(c);
  const values = formValues(await c.req.parseBody(), ['includeNames']);
  try {
    await setFeedNames(c.var.deps, practiceId, currentSession(c).user.id, values.includeNames === true);
    return c.redirect('/dashboard/calendar-feed?done=saved', 303);
  } catch (error) {
    const { state, status } = formFailure(error, values, c.var.locale);
    return c.html(<CalendarFeedPage page={pageContext(c)} feed={await feedState(c.var.deps, practiceId)} error={state.message} />, status);
  }
});

exportRoutes.get('/calendar/:token', async (c) => {
  const body = await calendarFeedStream(c.var.deps, c.req.param('token'));
  return new Response(body, { headers: { 'content-type': 'text/calendar; charset=utf-8', 'content-disposition': 'inline; filename="praxisraum.ics"' } });
});

// ------------------------------------------------------------------------------------------------ account deletion

const deletionBody = z.object({
  confirmSlug: z.string({ error: 'Type your booking address' }).trim().min(1, 'Type your booking address').max(64, 'Too long'),
  password: passwordField,
  totp: totpField,
});

exportRoutes.get('/dashboard/delete-account', async (c) => {
  const { slug } = await deletionPreview(c.var.deps, practiceIdOf(c));
  return c.html(<DeleteAccountPage page={pageContext(c)} slug={slug} state={{}} />);
});

exportRoutes.post('/dashboard/delete-account', async (c) => {
  const practiceId = practiceIdOf(c);
  const values = formValues(await c.req.parseBody());
  try {
    await deleteAccount(c.var.deps, currentSession(c).user.id, practiceId, parseForm(deletionBody, values));
    clearSessionCookie(c);
    return c.redirect('/?notice=account-deleted', 303);
  } catch (error) {
    const { state, status } = formFailure(error, values, c.var.locale);
    const { slug } = await deletionPreview(c.var.deps, practiceId);
    return c.html(<DeleteAccountPage page={pageContext(c)} slug={slug} state={state} />, status);
  }
});

// ------------------------------------------------------------------------------------------------ audit log

exportRoutes.get('/dashboard/audit', async (c) => {
  const before = c.req.query('before');
  const log = await auditLogPage(c.var.deps, practiceIdOf(c), currentSession(c).user.id, before);
  return c.html(<AuditLogPage page={pageContext(c)} log={log} paged={!!before} />);
});
