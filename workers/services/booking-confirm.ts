import { and, eq, gt, inArray, lte, ne, type SQL, sql } from 'drizzle-orm';
import { appointmentSlots, appointmentTypes, bookingHolds, clients, practices } from '../../db/schema';
import { HOUR_MS } from '../domain/booking-limits';
import type { ConsentPurpose } from '../domain/consent-chain';
import { isLocale } from '../domain/locale';
import { hashToken, newId } from '../lib/crypto';
import { AppError } from '../lib/errors';
import { auditInsert } from './audit';
import { countBooking, isOverLimit, LIMIT_REACHED } from './booking';
import { processingBlocked } from '../domain/appointment-rules';
import type { ClientActor } from '../lib/actor';
import { createAppointment } from './appointment-lifecycle';
import { consentInsert, retryOnClientRace, sealChainSoon } from './consent';
import type { Deps } from './deps';

export const HOLD_GONE = 'This link has been used or has expired. Please book again.';
export const BOOKING_NOT_POSSIBLE = 'Online booking is not possible for this address. Please contact the practice.';

function heldBooking(deps: Deps, where: SQL) {
  return deps.db
    .select({ hold: bookingHolds, practice: practices, type: appointmentTypes })
    .from(bookingHolds)
    .innerJoin(practices, eq(practices.id, bookingHolds.practiceId))
    .innerJoin(appointmentTypes, eq(appointmentTypes.id, bookingHolds.typeId))
    .where(where)
    .limit(1);
}

/** The hold behind an emailed confirmation link; the link is the only credential, so unknown is 404. */
export async function holdByToken(deps: Deps, token: string) {
  if (token.length < 20 || token.length > 128) throw new AppError('NOT_FOUND', 'This link is not valid');
  const row = (await heldBooking(deps, eq(bookingHolds.tokenHash, await hashToken(token))))[0];
  if (!row) throw new AppError('NOT_FOUND', 'This link is not valid');
  return row;
}

/** Whoever holds the confirmation link acts as the client making the booking. */
export async function holdActor(deps: Deps, token: string): Promise<HoldActor> {
  const { hold } = await holdByToken(deps, token);
  return { kind: 'client', via: 'hold', practiceId: hold.practiceId, holdId: hold.id };
}

export type HeldBooking = Awaited<ReturnType<typeof holdByToken>>;
type HoldActor = Extract<ClientActor, { via: 'hold' }>;

export function holdOpen(hold: HeldBooking['hold'], now: number): boolean {
  return hold.status === 'pending' && hold.expiresAt > now;
}

/**
 * A hold that is no longer pending keeps only what the hourly count needs (Art. 5(1)(c), (e) GDPR): the name and the
 * address are gone at once, in the same write, so that only the client record (after a confirmation) holds them and an
 * erasure of the client leaves nothing behind here.
 */
const FORGOTTEN = { name: '', email: '' };

function releaseWrites(deps: Deps, holdId: string) {
  return [
    deps.db.update(bookingHolds).set({ status: 'released', ...FORGOTTEN }).where(and(eq(bookingHolds.id, holdId), eq(bookingHolds.status, 'pending'))),
    deps.db.delete(appointmentSlots).where(eq(appointmentSlots.holdId, holdId)),
  ] as const;
}

/** True when the confirming batch found the hold no longer pending, or expired: the guarded insert got NULL. */
function isHoldGone(error: unknown): boolean {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    if (current.message.includes('NOT NULL constraint failed: appointments.start_at')) return true;
  }
  return false;
}

/**
 * Confirms a hold from its emailed link: only now, with control of the address proven, is the booking matched to the
 * practice's client with that address, its consent written to the chain (the terms the person accepted when booking)
 * and the appointment booked. The appointment's insert reads its start from the hold only while the hold is pending
 * and unexpired, so a used, released or expired hold fails the whole batch (NOT NULL); of concurrent confirmations
 * only the first batch finds it pending (D1 runs batches one after another), so it books once. A restricted or objecting client (Art. 18/21) is not booked: the
 * hold is released and the answer, seen only by the address's owner, says to contact the practice.
 */
export async function confirmHold(deps: Deps, actor: HoldActor) {
  const held = (await heldBooking(deps, eq(bookingHolds.id, actor.holdId)))[0];
  if (!held) throw new AppError('CONFLICT', HOLD_GONE);
  const { hold, practice, type } = held;
  const now = deps.now();
  if (!holdOpen(hold, now)) throw new AppError('CONFLICT', HOLD_GONE);
  const purposes: ConsentPurpose[] = hold.reminders ? ['booking', 'reminders'] : ['booking'];
  const open = and(eq(bookingHolds.id, hold.id), eq(bookingHolds.status, 'pending'), gt(bookingHolds.expiresAt, now));
  // Its own id: the hold row outlives the confirmation by up to an hour and must not carry a reference to it.
  const id = newId();

  const booked = await retryOnClientRace(async () => {
    const existing = await deps.db.query.clients.findFirst({ where: and(eq(clients.practiceId, practice.id), eq(clients.email, hold.email)) });
    if (existing && processingBlocked(existing)) {
      await deps.db.batch([...releaseWrites(deps, hold.id)]);
      throw new AppError('FORBIDDEN', BOOKING_NOT_POSSIBLE);
    }
    const clientId = existing?.id ?? newId();
    const consent = await consentInsert(deps, practice.id, {
      clientId,
      kind: 'given',
      purposes,
      termsVersion: hold.termsVersion,
      termsSha256: hold.termsSha256,
      method: hold.method,
    });
    const startAt = sql`(SELECT ${bookingHolds.startAt} FROM ${bookingHolds} WHERE ${open})`;
    const created = await createAppointment(deps, { id, practice, type, clientId, start: hold.startAt, end: hold.endAt, slots: { holdId: hold.id, startAt }, consentRecordId: consent.id, now });
    await deps.db.batch([
      deps.db.insert(clients).values({ id: clientId, practiceId: practice.id, displayName: hold.name, email: hold.email, createdAt: now }).onConflictDoNothing({ target: clients.id }),
      ...created.writes,
      deps.db.update(bookingHolds).set({ status: 'confirmed', ...FORGOTTEN }).where(open),
      ...countBooking(deps, practice.id, clientId, now),
      consent.insert,
      auditInsert(deps.db, { action: 'appointment.booked', actor, practiceId: practice.id, targetId: id }, now),
    ]);
    return { created, clientName: existing?.displayName ?? hold.name };
  }).catch(async (error: unknown) => {
    if (isHoldGone(error)) throw new AppError('CONFLICT', HOLD_GONE);
    if (isOverLimit(error)) {
      await deps.db.batch([...releaseWrites(deps, hold.id)]);
      throw new AppError('TOO_MANY_ATTEMPTS', LIMIT_REACHED);
    }
    throw error;
  });

  await sealChainSoon(deps, practice.id);
  await booked.created.notify({ name: booked.clientName, email: hold.email }, isLocale(hold.locale) ? hold.locale : 'de');
  const { manageToken, accessCode } = booked.created;
  return { booking: { id, start: hold.startAt, end: hold.endAt, status: 'booked' as const }, manageToken, accessCode };
}

/**
 * Cron: expired holds give their time back (their claims are already ignored by the slot query and by new claims),
 * and holds are deleted an hour after they were made, once the hourly count no longer needs them.
 */
export async function releaseExpiredHolds(deps: Deps) {
  const now = deps.now();
  const done = deps.db.select({ id: bookingHolds.id }).from(bookingHolds).where(ne(bookingHolds.status, 'pending'));
  const [, , purged] = await deps.db.batch([
    deps.db.update(bookingHolds).set({ status: 'released', ...FORGOTTEN }).where(and(eq(bookingHolds.status, 'pending'), lte(bookingHolds.expiresAt, now))),
    deps.db.delete(appointmentSlots).where(inArray(appointmentSlots.holdId, done)),
    deps.db.delete(bookingHolds).where(and(ne(bookingHolds.status, 'pending'), lte(bookingHolds.createdAt, now - HOUR_MS))).returning({ id: bookingHolds.id }),
  ]);
  return purged.length;
}
