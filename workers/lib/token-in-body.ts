import type { MiddlewareHandler } from 'hono';
import type { HonoEnv } from './hono-env';

/** What a form on an emailed-link page posts to instead of its token: `/b/_/cancel` with the token in a hidden field. */
export const TOKEN_PLACEHOLDER = '_';
export const TOKEN_FIELD = 'token';

const FORM_PATH = /^\/(b|rights\/verify|rights\/download)\/_(\/[a-z.-]+)?$/;
const TOKEN = /^[\w-]{16,128}$/;
const MAX_FORM_BYTES = 64 * 1024;

/** The form's text from a copy of the body, or null past MAX_FORM_BYTES (limitBody then refuses the original). */
async function formText(request: Request): Promise<string | null> {
  const reader = request.clone().body?.getReader();
  if (!reader) return null;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_FORM_BYTES) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const decoder = new TextDecoder();
  return chunks.map((chunk) => decoder.decode(chunk, { stream: true })).join('') + decoder.decode();
}

/**
 * Forms behind emailed links (manage, verification, download) post their token in the body, so the action URL, which
 * proxies and request logs keep, holds none (issue 11, item 14). The routes stay keyed by the token in the path: a post
 * to the placeholder path is handed to the app again with the token put in, through every middleware (CSRF included).
 * Anything else about such a post (no form, no token, too large) falls through to the placeholder, which names no
 * booking and answers 404.
 */
export function tokenFromBody(dispatch: (request: Request, c: Parameters<MiddlewareHandler<HonoEnv>>[0]) => Promise<Response>): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    const match = c.req.method === 'POST' ? FORM_PATH.exec(c.req.path) : null;
    const isForm = /^application\/x-www-form-urlencoded\s*(;|$)/i.test(c.req.header('content-type') ?? '');
    if (!match || !isForm || Number(c.req.header('content-length') ?? 0) > MAX_FORM_BYTES) return next();
    const text = await formText(c.req.raw);
    const token = text === null ? null : new URLSearchParams(text).get(TOKEN_FIELD);
    if (!token || !TOKEN.test(token)) return next();
    const url = new URL(c.req.url);
    url.pathname = `/${match[1]}/${token}${match[2] ?? ''}`;
    return dispatch(new Request(url, c.req.raw), c);
  };
}
