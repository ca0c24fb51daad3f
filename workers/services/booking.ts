import { and, eq, sql } from 'drizzle-orm';
import { isUniqueViolation } from '../../db/errors';
import { appointments, appointmentSlots, clientBookingWindows, clients, practiceBookingWindows } from '../../db/schema';
import { bookingFits, CLIENT_LIMIT, PRACTICE_LIMIT, windowStartOf } from '../domain/booking-limits';
import { hashAccessCode } from '../domain/access-code';
import type { ConsentPurpose } from '../domain/consent-chain';
import type { Locale } from '../domain/locale';
import { blockedInterval, isFreeSlot } from '../domain/slots';
import { utcToLocal } from '../domain/zoned-time';
import { hashToken, newId, randomToken } from '../lib/crypto';
import { AppError } from '../lib/errors';
import { auditInsert } from './audit';
import { activeTypes, bucketsOf, currentTerms, type Practice, slotQuery } from './availability';
import { notifyBooked } from './booking-notices';
import { processingBlocked } from './clients';
import { consentInsert, retryOnClientRace, sealChainSoon } from './consent';
import type { Deps } from './deps';

export type BookingInput = {
  typeId: string;
  start: number;
  name: string;
  email: string;
  termsVersion: number;
  acceptTerms: boolean;
  consents?: { reminders?: boolean | undefined } | undefined;
};

const ACCESS_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A code a person can read out and type: 9 characters from an alphabet without look-alikes, grouped by three. */
export function newAccessCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  const chars = Array.from(bytes, (b) => ACCESS_CODE_ALPHABET[b % ACCESS_CODE_ALPHABET.length]).join('');
  return `${chars.slice(0, 3)}-${chars.slice(3, 6)}-${chars.slice(6)}`;
}

export function normaliseAccessCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

const LIMIT_REACHED = 'Too many bookings in a short time. Please contact the practice directly.';

/**
 * The friendly fast path of the abuse limits: a request that the counters already refuse is answered before any
 * work. It is not the guarantee (concurrent requests all read the same counts): the CHECKs on the counters, written
 * in the booking's batch, are.
 */
async function refuseOverLimit(deps: Deps, practiceId: string, email: string) {
  const now = deps.now();
  const [practice, client] = await deps.db.batch([
    deps.db
      .select({ bookings: practiceBookingWindows.bookings })
      .from(practiceBookingWindows)
      .where(and(eq(practiceBookingWindows.practiceId, practiceId), eq(practiceBookingWindows.windowStart, windowStartOf(PRACTICE_LIMIT, now)))),
    deps.db
      .select({ bookings: clientBookingWindows.bookings })
      .from(clientBookingWindows)
      .innerJoin(clients, eq(clients.id, clientBookingWindows.clientId))
      .where(and(eq(clients.practiceId, practiceId), eq(clients.email, email), eq(clientBookingWindows.windowStart, windowStartOf(CLIENT_LIMIT, now)))),
  ]);
  if (!bookingFits({ practice: practice[0]?.bookings ?? 0, client: client[0]?.bookings ?? 0 })) throw new AppError('TOO_MANY_ATTEMPTS', LIMIT_REACHED);
}

/** Counts the booking in its practice's hour and its client's day; the batch fails if either goes over its limit. */
function countBooking(deps: Deps, practiceId: string, clientId: string, now: number) {
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

/** True when a write failed on the CHECK of a booking counter: the booking would go over an abuse limit. */
function isOverLimit(error: unknown): boolean {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    if (current.message.includes('CHECK constraint failed') && current.message.includes('booking_windows_within_limit')) return true;
  }
  return false;
}

async function validateBooking(deps: Deps, practice: Practice, input: BookingInput) {
  if (!input.acceptTerms) {
    throw new AppError('VALIDATION_FAILED', 'Booking needs your acceptance of the practice’s terms', {
      acceptTerms: ['Read and accept the terms to book'],
    });
  }
  const terms = await currentTerms(deps, practice.id);
  if (input.termsVersion !== terms.version) {
    throw new AppError('VALIDATION_FAILED', `The terms have changed; please read and accept version ${terms.version}`, {
      termsVersion: [`The current version is ${terms.version}`],
    });
  }
  const type = (await activeTypes(deps, practice.id)).find((t) => t.id === input.typeId);
  if (!type) throw new AppError('VALIDATION_FAILED', 'Unknown appointment type', { typeId: ['Choose one of the practice’s appointment types'] });
  return { terms, type };
}

/**
 * Books an appointment: client (matched by email within the practice), appointment, slot claims, consent record and
 * audit entry commit in one batch or not at all, counted against the abuse limits in the same batch. The slot claims'
 * primary key settles races: of any number of concurrent requests for overlapping times exactly one commits, the
 * others get 409. The counters' CHECKs do the same for the limits: past a limit the batch fails and the answer is 429.
 */
export async function createBooking(deps: Deps, practice: Practice, input: BookingInput, context: { method: string; locale: Locale }) {
  const { terms, type } = await validateBooking(deps, practice, input);
  await refuseOverLimit(deps, practice.id, input.email);
  const date = utcToLocal(input.start, practice.timeZone).date;
  if (!isFreeSlot(await slotQuery(deps, practice, [type], date, date), input.start, type.id)) {
    throw new AppError('CONFLICT', 'This time is no longer free. Please choose another one.', { start: ['No longer available'] });
  }
  const end = input.start + type.durationMin * 60_000;
  const manageToken = randomToken(32);
  const accessCode = type.mode === 'video' ? newAccessCode() : undefined;
  const purposes: ConsentPurpose[] = input.consents?.reminders ? ['booking', 'reminders'] : ['booking'];
  const buckets = bucketsOf(blockedInterval(input.start, type));
  const [manageTokenHash, accessCodeHash] = await Promise.all([hashToken(manageToken), accessCode ? hashAccessCode(accessCode, deps.config.JOIN_TOKEN_SECRET) : null]);

  const booked = await retryOnClientRace(async () => {
    const existing = await deps.db.query.clients.findFirst({ where: and(eq(clients.practiceId, practice.id), eq(clients.email, input.email)) });
    // Art. 18/21: while processing is restricted or objected to, the client cannot be booked (the practice can lift it).
    if (existing && processingBlocked(existing)) throw new AppError('FORBIDDEN', 'Online booking is not possible for this address. Please contact the practice.');
    const clientId = existing?.id ?? newId();
    const consent = await consentInsert(deps, practice.id, {
      clientId,
      kind: 'given',
      purposes,
      termsVersion: terms.version,
      termsSha256: terms.sha256,
      method: context.method,
    });
    const id = newId();
    const now = deps.now();
    await deps.db.batch([
      deps.db.insert(clients).values({ id: clientId, practiceId: practice.id, displayName: input.name, email: input.email, createdAt: now }).onConflictDoNothing({ target: clients.id }),
      ...countBooking(deps, practice.id, clientId, now),
      deps.db.insert(appointments).values({
        id,
        practiceId: practice.id,
        clientId,
        typeId: type.id,
        startAt: input.start,
        endAt: end,
        status: 'booked',
        manageTokenHash,
        accessCodeHash,
        consentRecordId: consent.id,
        createdAt: now,
      }),
      deps.db.insert(appointmentSlots).values(buckets.map((bucket) => ({ practiceId: practice.id, bucket, appointmentId: id }))),
      consent.insert,
      auditInsert(deps.db, { action: 'appointment.booked', practiceId: practice.id, targetId: id }, now),
    ]);
    return { id, clientId, clientName: existing?.displayName ?? input.name };
  }).catch((error: unknown) => {
    if (isOverLimit(error)) throw new AppError('TOO_MANY_ATTEMPTS', LIMIT_REACHED);
    if (isUniqueViolation(error, 'appointment_slots.')) {
      throw new AppError('CONFLICT', 'This time was just booked by someone else. Please choose another one.', { start: ['No longer available'] });
    }
    throw error;
  });

  await sealChainSoon(deps, practice.id);
  const booking = { id: booked.id, start: input.start, end, status: 'booked' as const };
  await notifyBooked(deps, {
    practice,
    type,
    appointment: { ...booking, sequence: 0 },
    client: { name: booked.clientName, email: input.email },
    manageToken,
    accessCode,
    locale: context.locale,
  });
  return { booking, manageToken, accessCode };
}
