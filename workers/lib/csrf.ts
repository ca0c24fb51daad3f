import type { MiddlewareHandler } from 'hono';
import { AppError } from './errors';
import type { HonoEnv } from './hono-env';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

function isFormBody(contentType: string | undefined): boolean {
  return !!contentType && /^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(contentType);
}

/**
 * CSRF defence in depth for every state-changing request: cross-site requests are refused by Fetch Metadata and
 * Origin, and a request that a session cookie authenticates must also carry the session's token (form field or
 * header). SameSite=Strict alone would leave older browsers and same-site subdomains exposed.
 */
export const csrfProtection: MiddlewareHandler<HonoEnv> = async (c, next) => {
  if (SAFE_METHODS.has(c.req.method)) return next();
  const site = c.req.header('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') {
    throw new AppError('CSRF_REJECTED', 'request.crossSite');
  }
  // "Origin: null" comes from sandboxed frames, data: URLs and redirects, and from our own forms under a no-referrer
  // policy. Fetch Metadata tells those apart; without it (browsers before Fetch Metadata) a null origin cannot be
  // trusted, or a cross-site page could sign a visitor in to an account of its choosing (login CSRF). Clients that are
  // not browsers send no Origin at all and are judged by the session token below.
  const origin = c.req.header('origin');
  if (origin === 'null' ? !site : origin && origin !== new URL(c.req.url).origin) {
    throw new AppError('CSRF_REJECTED', 'request.otherSite');
  }
  const session = c.var.session;
  if (session) {
    let presented = c.req.header(CSRF_HEADER);
    if (!presented && isFormBody(c.req.header('content-type'))) {
      const field = (await c.req.parseBody())[CSRF_FIELD];
      presented = typeof field === 'string' ? field : undefined;
    }
    if (presented !== session.csrfToken) {
      throw new AppError('CSRF_REJECTED', 'request.csrfToken');
    }
  }
  await next();
};
