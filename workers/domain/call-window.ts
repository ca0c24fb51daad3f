/** The call room opens a little before the appointment and closes a while after it; outside that nobody can join. */
export const OPENS_BEFORE_MS = 15 * 60_000;
export const CLOSES_AFTER_MS = 30 * 60_000;

export type CallWindow = { opensAt: number; closesAt: number };

export function callWindow(appointment: { startAt: number; endAt: number }): CallWindow {
  return { opensAt: appointment.startAt - OPENS_BEFORE_MS, closesAt: appointment.endAt + CLOSES_AFTER_MS };
}

export function windowState(window: CallWindow, now: number): 'not-yet-open' | 'open' | 'closed' {
  if (now < window.opensAt) return 'not-yet-open';
  if (now >= window.closesAt) return 'closed';
  return 'open';
}
