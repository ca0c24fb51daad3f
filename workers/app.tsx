import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { ErrorPage, HomePage } from '../web/pages/misc';
import { limitBody } from './lib/body-limit';
import { csrfProtection } from './lib/csrf';
import { depsMiddleware } from './lib/deps';
import { AppError, errorResponse, toAppError } from './lib/errors';
import type { HonoEnv } from './lib/hono-env';
import { jsonOnly } from './lib/json-only';
import { localeMiddleware } from './lib/locale';
import { jsonResponse } from './lib/openapi';
import { pageContext } from './lib/pages';
import { securityHeaders } from './lib/security-headers';
import { tokenFromBody } from './lib/token-in-body';
import { sessionMiddleware } from './lib/session';
import { accountPages } from './routes/account-pages';
import { authApi } from './routes/auth-api';
import { authPages } from './routes/auth-pages';
import { bookingApi } from './routes/booking-api';
import { callRoutes } from './routes/call-routes';
import { clientsApi } from './routes/clients-api';
import { incidentsRoutes } from './routes/incidents-routes';
import { rightsDownload } from './routes/rights-download';
import { rightsRoutes } from './routes/rights-routes';
import { clientsPages } from './routes/clients-pages';
import { appointmentsPages } from './routes/appointments-pages';
import { bookingPages } from './routes/booking-pages';
import { managePages } from './routes/manage-pages';
import { exportRoutes } from './routes/export-routes';
import { notesRoutes } from './routes/notes-routes';
import { settingsRoutes } from './routes/settings-routes';
import { staticFiles } from './routes/static';
import { devRoutes } from './routes/dev';
import { mountApiDocs } from './routes/docs';

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

  // First, so the request handed on meets every middleware once, and the answer gets its headers (and CSP nonce) once.
  app.use(tokenFromBody((request, c) => Promise.resolve(app.fetch(request, c.env, c.executionCtx))));
  app.use(securityHeaders);
  // Ahead of the body limit, dependencies and session: static files need none of them.
  app.route('/', staticFiles);
  app.use(limitBody(MAX_BODY_BYTES));
  app.use(readableForms, depsMiddleware, localeMiddleware, sessionMiddleware, csrfProtection);
  app.use('/api/*', jsonOnly);

  app.openapi(
    createRoute({ method: 'get', path: '/api/health', summary: 'Liveness', responses: { 200: jsonResponse('Up', z.object({ ok: z.literal(true) })) } }),
    (c) => c.json({ ok: true as const }, 200),
  );
  app.get('/', (c) => {
    const page = pageContext(c);
    return c.html(<HomePage page={page} notice={c.req.query('notice') === 'account-deleted' ? page.t.accountDeleted : undefined} />);
  });

  app.route('/', authApi);
  app.route('/', authPages);
  app.route('/', accountPages);
  app.route('/', bookingApi);
  app.route('/', bookingPages);
  app.route('/', managePages);
  app.route('/', clientsApi);
  app.route('/', clientsPages);
  app.route('/', appointmentsPages);
  app.route('/', callRoutes);
  app.route('/', rightsRoutes);
  app.route('/', rightsDownload);
  app.route('/', incidentsRoutes);
  app.route('/', settingsRoutes);
  app.route('/', notesRoutes);
  app.route('/', exportRoutes);
  app.route('/', devRoutes);
  mountApiDocs(app);

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

  return app;
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
