/** Session lifetimes (OWASP ASVS 3.3: idle and absolute timeouts for sensitive applications). */
export const SESSION_IDLE_MS = 30 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;
/** Activity is written back at most once a minute so that page views do not each cost a database write. */
export const SESSION_TOUCH_INTERVAL_MS = 60 * 1000;

export type SessionTimes = { createdAt: number; lastSeenAt: number };
export type SessionState = 'active' | 'idle-expired' | 'absolute-expired';

export function sessionState(session: SessionTimes, now: number): SessionState {
  if (now - session.createdAt >= SESSION_ABSOLUTE_MS) return 'absolute-expired';
  if (now - session.lastSeenAt >= SESSION_IDLE_MS) return 'idle-expired';
  return 'active';
}

export function shouldTouchSession(session: SessionTimes, now: number): boolean {
  return now - session.lastSeenAt >= SESSION_TOUCH_INTERVAL_MS;
}
