/**
 * Sign-in throttling per typed address. We deliberately key on the address, not on network addresses, which we never
 * store (data minimisation, Art. 5(1)(c)). Every attempt is counted before any password or code is checked. The first
 * few attempts are free; from then on each attempt starts a pause twice as long as the previous one, up to an hour, and
 * no password or code is checked while a pause lasts.
 */
export const FREE_FAILURES = 5;
export const FIRST_PAUSE_MS = 60 * 1000;
export const MAX_PAUSE_MS = 60 * 60 * 1000;
/** How long a count is remembered after the last attempt. */
export const THROTTLE_MEMORY_MS = 24 * 60 * 60 * 1000;

/** The pause that attempt number `attempt` (1-based, counted since the last success) starts; 0 for a free attempt. */
export function pauseForAttempt(attempt: number): number {
  if (attempt < FREE_FAILURES) return 0;
  return Math.min(FIRST_PAUSE_MS * 2 ** (attempt - FREE_FAILURES), MAX_PAUSE_MS);
}

/** Every distinct pause below the maximum, by attempt number: the database statement is built from this table. */
export function pauseSchedule(): { attempt: number; pauseMs: number }[] {
  const schedule: { attempt: number; pauseMs: number }[] = [];
  for (let attempt = FREE_FAILURES; pauseForAttempt(attempt) < MAX_PAUSE_MS; attempt++) {
    schedule.push({ attempt, pauseMs: pauseForAttempt(attempt) });
  }
  return schedule;
}

export function secondsUntil(lockedUntil: number | null, now: number): number {
  return lockedUntil === null ? 0 : Math.max(0, Math.ceil((lockedUntil - now) / 1000));
}
