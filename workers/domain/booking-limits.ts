/**
 * Abuse limits of the public booking, counted in fixed windows: per practice per hour, and per client (one client per
 * address within a practice) per day. Neither needs a network address (Art. 5(1)(c) GDPR). The database holds one
 * counter row per practice or client and window, and a CHECK on it refuses the booking that would go over the limit,
 * so the limits hold however many requests arrive at once (db/schema/practice-booking-windows.ts, client-booking-windows.ts).
 */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export const MAX_BOOKINGS_PER_PRACTICE_PER_HOUR = 60;
export const MAX_BOOKINGS_PER_ADDRESS_PER_DAY = 5;

export type BookingLimit = { max: number; windowMs: number };

export const PRACTICE_LIMIT: BookingLimit = { max: MAX_BOOKINGS_PER_PRACTICE_PER_HOUR, windowMs: HOUR_MS };
export const CLIENT_LIMIT: BookingLimit = { max: MAX_BOOKINGS_PER_ADDRESS_PER_DAY, windowMs: DAY_MS };

/**
 * The start of the window `now` falls in: windows are aligned to the epoch (whole UTC hours and days). A counter of an
 * earlier window counts for nothing any more, so the retention cron deletes it.
 */
export function windowStartOf(limit: BookingLimit, now: number): number {
  return Math.floor(now / limit.windowMs) * limit.windowMs;
}

/** True when one more booking still fits, given what the current windows have counted (0 when no row yet). */
export function bookingFits(used: { practice: number; client: number }): boolean {
  return used.practice < PRACTICE_LIMIT.max && used.client < CLIENT_LIMIT.max;
}

/**
 * Default limits of unconfirmed bookings (holds), which anyone can make with invented addresses; each practice may
 * set its own (practices.hold_max_pending, hold_max_per_hour). At most this many held at once, and at most this many
 * made in any hour: one visitor can keep at most DEFAULT_MAX_PENDING_HOLDS times out of the calendar, and only for as
 * long as a hold lasts (DEFAULT_HOLD_MINUTES).
 */
export const DEFAULT_MAX_PENDING_HOLDS = 6;
export const DEFAULT_MAX_HOLDS_PER_HOUR = 20;
export const DEFAULT_HOLD_MINUTES = 30;
export const MIN_HOLD_MINUTES = 10;
export const MAX_HOLD_MINUTES = 120;

