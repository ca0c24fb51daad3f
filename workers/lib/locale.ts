import type { MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { isLocale, negotiateLocale } from '../domain/locale';
import type { HonoEnv } from './hono-env';

const LANG_COOKIE = 'lang';

/**
 * Language from an explicit choice (?lang=, remembered in `__Host-lang` because the user asked for it), else from
 * Accept-Language. The cookie holds only "de", "da" or "en".
 */
export const localeMiddleware: MiddlewareHandler<HonoEnv> = async (c, next) => {
  const chosen = c.req.query('lang');
  if (isLocale(chosen)) {
    setCookie(c, LANG_COOKIE, chosen, { prefix: 'host', httpOnly: true, secure: true, sameSite: 'Lax', path: '/', maxAge: 365 * 86400 });
    c.set('locale', chosen);
  } else {
    const remembered = getCookie(c, LANG_COOKIE, 'host');
    c.set('locale', isLocale(remembered) ? remembered : negotiateLocale(c.req.header('accept-language')));
  }
  await next();
};
