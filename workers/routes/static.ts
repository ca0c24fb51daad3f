import { STATIC_FILES } from '../../build/static-files';
import { routeArea } from '../lib/route';

/**
 * Mounted at /static, ahead of the body limit and the session. Every static file, from one route: the browser modules bundled from web/client and the stylesheets, all produced by
 * `npm run build` (scripts/build-client.ts) into build/static-files.ts. A name the build did not produce is 404.
 */
export const staticFiles = routeArea();

/**
 * One cache rule for all: the browser keeps a copy but asks every time (no-cache), and the content hash as ETag makes
 * the answer a bodyless 304 while nothing changed. A deployment must never leave a page with last week's signaling or
 * encryption code, and the paths pages link (/static/call.js …) stay the same, so names cannot carry the hash.
 */
export const STATIC_CACHE_CONTROL = 'no-cache';

staticFiles.get('/:file', 'public', async (c, next) => {
  const name = c.req.param('file');
  const file = Object.hasOwn(STATIC_FILES, name) ? STATIC_FILES[name] : undefined;
  // On through the app's middleware (locale, session) to its not-found page, as for any other unknown path.
  if (!file) return next();
  const headers = { 'content-type': file.type, 'cache-control': STATIC_CACHE_CONTROL, etag: file.etag };
  if (c.req.header('if-none-match')?.split(',').some((tag) => tag.trim() === file.etag)) return c.body(null, 304, headers);
  return c.body(file.body, 200, headers);
});
