import type { MiddlewareHandler } from 'hono';
import { AppError } from './errors';
import type { HonoEnv } from './hono-env';

/** A body without a declared type is refused unless it is empty (a bodyless POST such as sign-out stays fine). */
async function hasBody(request: Request): Promise<boolean> {
  if (!request.body) return false;
  // The body was already read within the size limit (limitBody), so this copy is small.
  return (await request.clone().arrayBuffer()).byteLength > 0;
}

/** The JSON API reads JSON only: a write with any other body type is refused with 415 instead of being half-parsed. */
export const jsonOnly: MiddlewareHandler<HonoEnv> = async (c, next) => {
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return next();
  const type = c.req.header('content-type');
  if (type ? !/^application\/json\s*(;|$)/i.test(type) : await hasBody(c.req.raw)) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'request.jsonOnly');
  }
  await next();
};
