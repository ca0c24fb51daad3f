import { eq, lt, sql } from 'drizzle-orm';
import { signInThrottles } from '../../db/schema';
import { FREE_FAILURES, MAX_PAUSE_MS, pauseForAttempt, pauseSchedule, secondsUntil, THROTTLE_MEMORY_MS } from '../domain/throttle';
import { hmacHex } from '../lib/crypto';
import { AppError } from '../lib/errors';
import type { Deps } from './deps';

/**
 * The throttle key of a typed address: a keyed hash, so the table holds no address, and unknown addresses are counted
 * exactly like known ones (their answers and pauses are the same). The join-token secret is reused under its own label.
 */
export function throttleKey(deps: Deps, email: string): Promise<string> {
  return hmacHex(deps.config.JOIN_TOKEN_SECRET, `sign-in-throttle\u0000${email.trim().toLowerCase()}`);
}

/** The pause an attempt starts, as SQL over its number `n`, built from the domain's schedule (one source of truth). */
function lockedUntilSql(n: ReturnType<typeof sql>, now: number) {
  const cases = pauseSchedule().map(({ attempt, pauseMs }) => sql`WHEN ${n} = ${attempt} THEN ${now + pauseMs}`);
  return sql`CASE WHEN ${n} < ${FREE_FAILURES} THEN NULL ${sql.join(cases, sql` `)} ELSE ${now + MAX_PAUSE_MS} END`;
}

/**
 * Counts one attempt and decides in the same statement whether it may be checked: an upsert that increments the
 * counter only while no pause lasts, and starts the next pause when the free attempts are used up. Concurrent attempts
 * cannot all read the same count, so at most the free number of guesses is ever checked before the pause.
 */
export async function claimSignInAttempt(deps: Deps, email: string): Promise<string> {
  const key = await throttleKey(deps, email);
  const now = deps.now();
  // A row past its memory counts as new; the cron deletes it later.
  const n = sql`(CASE WHEN ${signInThrottles.expiresAt} <= ${now} THEN 1 ELSE ${signInThrottles.attempts} + 1 END)`;
  const claimed = await deps.db
    .insert(signInThrottles)
    .values({ key, attempts: 1, lockedUntil: pauseForAttempt(1) > 0 ? now + pauseForAttempt(1) : null, expiresAt: now + THROTTLE_MEMORY_MS })
    .onConflictDoUpdate({
      target: signInThrottles.key,
      set: { attempts: n, lockedUntil: lockedUntilSql(n, now), expiresAt: now + THROTTLE_MEMORY_MS },
      setWhere: sql`${signInThrottles.lockedUntil} IS NULL OR ${signInThrottles.lockedUntil} <= ${now}`,
    })
    .returning({ attempts: signInThrottles.attempts });
  if (claimed.length > 0) return key;
  // Only the wording needs the pause's end; the decision was taken above.
  const row = await deps.db.query.signInThrottles.findFirst({ where: eq(signInThrottles.key, key) });
  const seconds = secondsUntil(row?.lockedUntil ?? now, now);
  throw new AppError('TOO_MANY_ATTEMPTS', { key: 'auth.throttled', params: { seconds } });
}

/** After a success: the count starts again from zero. */
export function clearSignInAttemptsQuery(deps: Deps, key: string) {
  return deps.db.delete(signInThrottles).where(eq(signInThrottles.key, key));
}

/** Cron: counts are remembered for a day after the last attempt only. */
export async function purgeSignInThrottles(deps: Deps) {
  await deps.db.delete(signInThrottles).where(lt(signInThrottles.expiresAt, deps.now()));
}
