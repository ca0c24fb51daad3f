import { and, eq, isNotNull, lt, or } from 'drizzle-orm';
import { sessions, users } from '../../db/schema';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS, sessionState, shouldTouchSession } from '../domain/sessions';
import { hashToken, newId, randomToken, sha256Hex } from '../lib/crypto';
import type { Deps } from './deps';

export type SignedInUser = {
  id: string;
  role: 'therapist' | 'dpo';
  email: string;
  displayName: string;
  practiceId: string | null;
  totpEnabled: boolean;
};

export type ActiveSession = { sessionId: string; user: SignedInUser; csrfToken: string };

/** A fresh 256-bit token at every sign-in; only its hash is stored. */
export async function startSession(deps: Deps, userId: string) {
  const token = randomToken(32);
  const now = deps.now();
  const id = newId();
  const insert = deps.db.insert(sessions).values({ id, userId, tokenHash: await hashToken(token), createdAt: now, lastSeenAt: now });
  return { token, id, insert };
}

/**
 * The CSRF token is derived from the secret session token, so it needs no storage and no server secret: only
 * someone who holds the cookie value can compute it.
 */
export function csrfTokenFor(sessionToken: string): Promise<string> {
  return sha256Hex(`csrf:${sessionToken}`);
}

/** Resolves a cookie value to its session, ending it when idle or too old. */
export async function resolveSession(deps: Deps, token: string): Promise<ActiveSession | null> {
  const tokenHash = await hashToken(token);
  const rows = await deps.db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, tokenHash), isNotNull(users.emailConfirmedAt)))
    .limit(1);
  const row = rows[0];
  if (!row) return null;
  const now = deps.now();
  if (sessionState(row.session, now) !== 'active') {
    await deps.db.delete(sessions).where(eq(sessions.id, row.session.id));
    return null;
  }
  if (shouldTouchSession(row.session, now)) {
    await deps.db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, row.session.id));
  }
  const { user } = row;
  return {
    sessionId: row.session.id,
    csrfToken: await csrfTokenFor(token),
    user: {
      id: user.id,
      role: user.role,
      email: user.email,
      displayName: user.displayName,
      practiceId: user.practiceId,
      totpEnabled: user.totpEnabledAt !== null,
    },
  };
}

export function endAllSessionsQuery(deps: Deps, userId: string) {
  return deps.db.delete(sessions).where(eq(sessions.userId, userId));
}

/** Cron: removes sessions past either limit. */
export async function purgeExpiredSessions(deps: Deps) {
  const now = deps.now();
  await deps.db
    .delete(sessions)
    .where(or(lt(sessions.createdAt, now - SESSION_ABSOLUTE_MS), lt(sessions.lastSeenAt, now - SESSION_IDLE_MS)));
}

