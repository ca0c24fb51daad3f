import { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { ErrorPage } from '../web/pages/misc';
import { limitBody } from './lib/body-limit';
import { csrfProtection } from './lib/csrf';
import { depsMiddleware } from './lib/deps';
import { AppError, errorResponse, toAppError } from './lib/errors';
import type { HonoEnv } from './lib/hono-env';
import { jsonOnly } from './lib/json-only';
import { localeMiddleware } from './lib/locale';
import { pageContext } from './lib/pages';
import { securityHeaders } from './lib/security-headers';
import { tokenFromBody } from './lib/token-in-body';
import { sessionMiddleware } from './lib/session';
import { mountArea, type RouteArea, type RouteEntry } from './lib/route';
import { accountPages } from './routes/account-pages';
import { appointmentsPages } from './routes/appointments-pages';
import { authApi } from './routes/auth-api';
import { authPages } from './routes/auth-pages';
import { bookingApi } from './routes/booking-api';
import { bookingPages } from './routes/booking-pages';
import { accessCodeApi, accessCodePage, callApi, callPage } from './routes/call-routes';
import { clientsApi } from './routes/clients-api';
import { clientsPages } from './routes/clients-pages';
import { devRoutes } from './routes/dev';
import { apiDocs } from './routes/docs';
import { calendarFeed, dataToolsPages, exportApi } from './routes/export-routes';
import { home } from './routes/home';
import { incidentsConsole, recordRoutes } from './routes/incidents-routes';
import { managePages } from './routes/manage-pages';
import { clientNotesApi, notesKeyApi, notesPage } from './routes/notes-routes';
import { rightsDownload } from './routes/rights-download';
import { dpoRequests, practiceRequestsPages, rightsApi, rightsPortal } from './routes/rights-routes';
import { settingsRoutes } from './routes/settings-routes';
import { staticFiles } from './routes/static';

/** Bodies above this are refused before parsing; no form or JSON request of the app comes close. */
export const MAX_BODY_BYTES = 64 * 1024;

/** A form body that cannot be parsed is the sender's mistake (400), read once here and cached for the handlers. */
const readableForms: MiddlewareHandler<HonoEnv> = async (c, next) => {
  if (/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(c.req.header('content-type') ?? '') && c.req.method !== 'GET') {
    try {
      await c.req.parseBody();
    } catch {
      throw new AppError('BAD_REQUEST', 'request.formUnreadable');
    }
  }
  await next();
};

export function createApp() {
  const app = new OpenAPIHono<HonoEnv>();
  /** Every route of the app, as declared: the authorization tests, the fuzzing and the README's route list read it. */
  const registry: RouteEntry[] = [];
  const mount = (prefix: string, area: RouteArea) => mountArea(app, registry, prefix, area);

  // First, so the request handed on meets every middleware once, and the answer gets its headers (and CSP nonce) once.
  app.use(tokenFromBody((request, c) => Promise.resolve(app.fetch(request, c.env, c.executionCtx))));
  app.use(securityHeaders);
  // Ahead of the body limit, dependencies and session: static files need none of them.
  mount('/static', staticFiles);
  app.use(limitBody(MAX_BODY_BYTES));
  app.use(readableForms, depsMiddleware, localeMiddleware, sessionMiddleware, csrfProtection);
  app.use('/api/*', jsonOnly);

  // The route table: each area at its prefix; each area's file declares its routes with their access rules.
  mount('/', home);
  mount('/', authPages);
  mount('/', accountPages);
  mount('/api/auth', authApi);
  mount('/api', bookingApi);
  mount('/', bookingPages);
  mount('/b', managePages);
  mount('/api/clients', clientsApi);
  mount('/api/clients', clientNotesApi);
  mount('/api/notes', notesKeyApi);
  mount('/api', exportApi);
  mount('/dashboard/clients', clientsPages);
  mount('/dashboard/clients', notesPage);
  mount('/dashboard/appointments', appointmentsPages);
  mount('/dashboard/appointments', accessCodePage);
  mount('/dashboard/settings', settingsRoutes);
  mount('/dashboard/requests', practiceRequestsPages);
  mount('/dashboard', dataToolsPages);
  mount('/calendar', calendarFeed);
  mount('/call', callPage);
  mount('/api/calls', callApi);
  mount('/api/appointments', accessCodeApi);
  mount('/rights', rightsPortal);
  mount('/rights/download', rightsDownload);
  mount('/api/rights', rightsApi);
  mount('/dpo/requests', dpoRequests);
  mount('/dpo/incidents', incidentsConsole);
  mount('/', recordRoutes);
  mount('/dev', devRoutes);
  mount('/api', apiDocs(app));

  app.notFound((c) => {
    const error = new AppError('NOT_FOUND', { key: 'request.noSuchPage', params: { method: c.req.method, path: c.req.path } });
    return wantsJson(c.req.path, c.req.header('accept')) ? errorResponse(c, error) : renderError(c, error);
  });

  app.onError((err, c) => {
    const error = toAppError(err);
    // Logs carry the error class and route only, never bodies, addresses or names.
    if (error.status >= 500) console.error(`${c.req.method} ${c.req.routePath}: ${err instanceof Error ? err.name : 'unknown'}`);
    return wantsJson(c.req.path, c.req.header('accept')) ? errorResponse(c, error) : renderError(c, error);
  });

  return Object.assign(app, { registry: registry as readonly RouteEntry[] });
}

function wantsJson(path: string, accept: string | undefined): boolean {
  return path.startsWith('/api/') || !!accept?.includes('application/json');
}

function renderError(c: Parameters<Parameters<OpenAPIHono<HonoEnv>['onError']>[0]>[1], error: AppError) {
  // The page may fail before the locale or session were read; fall back to English, anonymous.
  if (!c.var.locale) c.set('locale', 'en');
  if (c.var.session === undefined) c.set('session', null);
  return c.html(<ErrorPage page={pageContext(c)} message={error.textIn(c.var.locale)} />, error.status);
}
