/**
 * Per-account sign-in throttling. We deliberately key on the account, not on network addresses, which we never store
 * (data minimisation, Art. 5(1)(c)). The first few failures are free; after that each failure pauses sign-in for
 * twice as long as the previous one, up to an hour.
 */
export const FREE_FAILURES = 5;
export const FIRST_PAUSE_MS = 60 * 1000;
export const MAX_PAUSE_MS = 60 * 60 * 1000;

export type ThrottleState = { failedLogins: number; lockedUntil: number | null };

export function isLocked(state: ThrottleState, now: number): boolean {
  return state.lockedUntil !== null && state.lockedUntil > now;
}

export function afterFailedLogin(state: ThrottleState, now: number): ThrottleState {
  const failedLogins = state.failedLogins + 1;
  if (failedLogins < FREE_FAILURES) return { failedLogins, lockedUntil: null };
  const pause = Math.min(FIRST_PAUSE_MS * 2 ** (failedLogins - FREE_FAILURES), MAX_PAUSE_MS);
  return { failedLogins, lockedUntil: now + pause };
}

export function secondsUntilUnlocked(state: ThrottleState, now: number): number {
  return state.lockedUntil === null ? 0 : Math.max(0, Math.ceil((state.lockedUntil - now) / 1000));
}
