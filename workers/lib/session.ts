import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { SESSION_ABSOLUTE_MS } from '../domain/sessions';
import { resolveSession } from '../services/sessions';
import { actorOfSession, type DpoActor, type TherapistActor } from './actor';
import { AppError } from './errors';
import type { HonoEnv } from './hono-env';

export const SESSION_COOKIE = 'session';

/** `__Host-session`: HttpOnly, Secure, SameSite=Strict, path=/, no Domain — strictly necessary, so no consent banner. */
export function setSessionCookie(c: Context<HonoEnv>, token: string) {
  setCookie(c, SESSION_COOKIE, token, {
    prefix: 'host',
    httpOnly: true,
    secure: true,
    sameSite: 'Strict',
    path: '/',
    maxAge: SESSION_ABSOLUTE_MS / 1000,
  });
}

export function clearSessionCookie(c: Context<HonoEnv>) {
  deleteCookie(c, SESSION_COOKIE, { prefix: 'host', secure: true, path: '/' });
}

export function sessionToken(c: Context<HonoEnv>): string | undefined {
  return getCookie(c, SESSION_COOKIE, 'host');
}

/** Loads the session if the cookie names a live one; an expired or forged cookie is dropped. */
export const sessionMiddleware: MiddlewareHandler<HonoEnv> = async (c, next) => {
  const token = sessionToken(c);
  const session = token && token.length <= 128 ? await resolveSession(c.var.deps, token) : null;
  if (token && !session) clearSessionCookie(c);
  c.set('session', session);
  c.set('actor', actorOfSession(session));
  await next();
};

function wantsHtml(c: Context<HonoEnv>): boolean {
  return !c.req.path.startsWith('/api/');
}

/** Guards a route for signed-in users of the given roles: pages redirect to sign-in, the API answers 401/403. */
export function requireRole(...roles: ('therapist' | 'dpo')[]): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    const session = c.var.session;
    if (!session) {
      if (wantsHtml(c) && c.req.method === 'GET') {
        return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`, 303);
      }
      throw new AppError('UNAUTHENTICATED', 'session.signInFirst');
    }
    if (roles.length > 0 && !roles.includes(session.user.role)) {
      throw new AppError('FORBIDDEN', 'session.wrongRole');
    }
    await next();
  };
}

export function currentSession(c: Context<HonoEnv>) {
  const session = c.var.session;
  if (!session) throw new AppError('UNAUTHENTICATED', 'session.signInFirst');
  return session;
}

/**
 * The DPO console shows personal data of every practice's clients: in production configuration it needs a second
 * factor. Pages send the DPO to enrol one; form posts are refused.
 */
export const requireDpoSecondFactor: MiddlewareHandler<HonoEnv> = async (c, next) => {
  if (c.var.config.ENVIRONMENT === 'production' && !currentSession(c).user.totpEnabled) {
    if (c.req.method === 'GET') return c.redirect('/account/security?notice=totp-required', 303);
    throw new AppError('FORBIDDEN', 'session.dpoNeedsSecondFactor');
  }
  await next();
};

/** The signed-in therapist as the actor of a practice's change; routes behind a therapist guard only. */
export function therapistActor(c: Context<HonoEnv>): TherapistActor {
  const actor = c.var.actor;
  if (actor?.kind !== 'therapist') throw new AppError('UNAUTHENTICATED', 'session.signInFirst');
  return actor;
}

/** The signed-in account (therapist or DPO) as an actor, e.g. for signing out. */
export function accountActor(c: Context<HonoEnv>): TherapistActor | DpoActor {
  const actor = c.var.actor;
  if (actor?.kind !== 'therapist' && actor?.kind !== 'dpo') throw new AppError('UNAUTHENTICATED', 'session.signInFirst');
  return actor;
}

/** The signed-in DPO as the actor of a console action; routes behind the DPO guard only. */
export function dpoActor(c: Context<HonoEnv>): DpoActor {
  const actor = c.var.actor;
  if (actor?.kind !== 'dpo') throw new AppError('FORBIDDEN', 'session.wrongRole');
  return actor;
}
