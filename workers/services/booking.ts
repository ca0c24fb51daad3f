import { and, eq, gt, sql } from 'drizzle-orm';
import { isUniqueViolation } from '../../db/errors';
import { bookingHoldGates, bookingHolds, clientBookingWindows, practiceBookingWindows } from '../../db/schema';
import { bookingHoldEmail } from '../../emails/booking-hold';
import { CLIENT_LIMIT, HOUR_MS, PRACTICE_LIMIT, windowStartOf } from '../domain/booking-limits';
import type { Locale } from '../domain/locale';
import { blockedInterval, isFreeSlot } from '../domain/slots';
import { utcToLocal } from '../domain/zoned-time';
import { hashToken, newId, randomToken } from '../lib/crypto';
import { AppError } from '../lib/errors';
import { activeTypes, bucketsOf, currentTerms, type Practice, slotQuery } from './availability';
import type { Deps } from './deps';
import { deliverQuietly } from './mail-delivery';
import { claimWrites } from './slot-claims';

export type BookingInput = {
  typeId: string;
  start: number;
  name: string;
  email: string;
  termsVersion: number;
  acceptTerms: boolean;
  consents?: { reminders?: boolean | undefined } | undefined;
};

export const LIMIT_REACHED = 'Too many bookings in a short time. Please contact the practice directly.';

/** Counts a confirmed booking in its practice's hour and its client's day; the batch fails if either goes over its limit. */
export function countBooking(deps: Deps, practiceId: string, clientId: string, now: number) {
  return [
    deps.db
      .insert(practiceBookingWindows)
      .values({ practiceId, windowStart: windowStartOf(PRACTICE_LIMIT, now), bookings: 1 })
      .onConflictDoUpdate({ target: [practiceBookingWindows.practiceId, practiceBookingWindows.windowStart], set: { bookings: sql`${practiceBookingWindows.bookings} + 1` } }),
    deps.db
      .insert(clientBookingWindows)
      .values({ clientId, windowStart: windowStartOf(CLIENT_LIMIT, now), bookings: 1 })
      .onConflictDoUpdate({ target: [clientBookingWindows.clientId, clientBookingWindows.windowStart], set: { bookings: sql`${clientBookingWindows.bookings} + 1` } }),
  ] as const;
}

/**
 * Rewrites the practice's hold gate with counts taken inside the hold's own batch (after the hold's insert, so it
 * counts itself): holds still pending, and holds made in the last hour. The gate's CHECK fails the batch past the
 * practice's limits, written into the same row.
 */
function gateHolds(deps: Deps, practice: Practice, now: number) {
  const practiceId = practice.id;
  const pending = sql`(SELECT count(*) FROM ${bookingHolds} WHERE ${and(eq(bookingHolds.practiceId, practiceId), eq(bookingHolds.status, 'pending'), gt(bookingHolds.expiresAt, now))})`;
  const lastHour = sql`(SELECT count(*) FROM ${bookingHolds} WHERE ${and(eq(bookingHolds.practiceId, practiceId), gt(bookingHolds.createdAt, now - HOUR_MS))})`;
  return deps.db
    .insert(bookingHoldGates)
    .values({ practiceId, pending, lastHour, maxPending: practice.holdMaxPending, maxPerHour: practice.holdMaxPerHour })
    .onConflictDoUpdate({
      target: bookingHoldGates.practiceId,
      set: { pending: sql`excluded.pending`, lastHour: sql`excluded.last_hour`, maxPending: sql`excluded.max_pending`, maxPerHour: sql`excluded.max_per_hour` },
    });
}

/** True when a write failed on the CHECK of a booking counter or the hold gate: the booking would go over an abuse limit. */
export function isOverLimit(error: unknown): boolean {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    if (current.message.includes('CHECK constraint failed') && current.message.includes('_within_limit')) return true;
  }
  return false;
}

async function validateBooking(deps: Deps, practice: Practice, input: BookingInput) {
  if (!input.acceptTerms) {
    throw new AppError('VALIDATION_FAILED', 'booking.termsRequired', { acceptTerms: 'booking.termsRequiredField' });
  }
  const terms = await currentTerms(deps, practice.id);
  if (input.termsVersion !== terms.version) {
    const params = { version: terms.version };
    throw new AppError('VALIDATION_FAILED', { key: 'booking.termsChanged', params }, { termsVersion: { key: 'booking.termsChangedField', params } });
  }
  const type = (await activeTypes(deps, practice.id)).find((t) => t.id === input.typeId);
  if (!type) throw new AppError('VALIDATION_FAILED', 'booking.unknownType', { typeId: 'booking.unknownTypeField' });
  return { terms, type };
}

export function holdUrl(deps: Deps, token: string): string {
  return `${deps.config.APP_ORIGIN}/hold/${token}`;
}

/**
 * A public booking starts as a hold: the time is claimed (the same slot key as appointments, so nothing overlaps),
 * and a single-use link goes to the typed address. Nothing here reads or writes what the practice knows about that
 * address, so the answer, its timing and its side effects are the same for a stranger, a client and a restricted
 * client (issue 11: booking must not reveal who is a client). The hold gate's CHECK refuses holds past the practice's
 * limits inside the same batch (429), and the slot key refuses a taken time (409).
 */
export async function createHold(deps: Deps, practice: Practice, input: BookingInput, context: { method: string; locale: Locale }) {
  const { terms, type } = await validateBooking(deps, practice, input);
  const date = utcToLocal(input.start, practice.timeZone).date;
  if (!isFreeSlot(await slotQuery(deps, practice, [type], date, date), input.start, type.id)) {
    throw new AppError('CONFLICT', 'This time is no longer free. Please choose another one.', { start: ['No longer available'] });
  }
  const now = deps.now();
  const id = newId();
  const token = randomToken(32);
  const hold = {
    id,
    practiceId: practice.id,
    typeId: type.id,
    startAt: input.start,
    endAt: input.start + type.durationMin * 60_000,
    name: input.name,
    email: input.email,
    reminders: input.consents?.reminders === true,
    termsVersion: terms.version,
    termsSha256: terms.sha256,
    method: context.method,
    locale: context.locale,
    tokenHash: await hashToken(token),
    status: 'pending' as const,
    expiresAt: now + practice.holdMinutes * 60_000,
    createdAt: now,
  };
  try {
    await deps.db.batch([
      deps.db.insert(bookingHolds).values(hold),
      ...claimWrites(deps, practice.id, bucketsOf(blockedInterval(input.start, type)), { holdId: id }, now),
      gateHolds(deps, practice, now),
    ]);
  } catch (error) {
    if (isOverLimit(error)) throw new AppError('TOO_MANY_ATTEMPTS', LIMIT_REACHED);
    if (isUniqueViolation(error, 'appointment_slots.')) {
      throw new AppError('CONFLICT', 'This time was just booked by someone else. Please choose another one.', { start: ['No longer available'] });
    }
    throw error;
  }
  const email = bookingHoldEmail(
    { practiceName: practice.name, start: input.start, timeZone: practice.timeZone, link: holdUrl(deps, token), minutes: practice.holdMinutes },
    context.locale,
  );
  // Undelivered, the hold simply expires; the answer must not differ from a delivered one.
  await deliverQuietly(deps, { to: input.email, ...email });
  return { holdMinutes: practice.holdMinutes };
}
