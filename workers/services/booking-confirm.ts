import { and, eq, gt, inArray, lte, ne, sql } from 'drizzle-orm';
import { appointments, appointmentSlots, appointmentTypes, bookingHolds, clients, practices } from '../../db/schema';
import { HOUR_MS } from '../domain/booking-limits';
import type { ConsentPurpose } from '../domain/consent-chain';
import { isLocale } from '../domain/locale';
import { hashToken, newId, randomToken } from '../lib/crypto';
import { someCause } from '../../db/errors';
import { AppError } from '../lib/errors';
import { auditInsert } from './audit';
import { countBooking, isOverLimit, newAccessCode } from './booking';
import { hashAccessCode, linkKeyOf, newLinkKeySeed } from '../domain/access-code';
import { notifyBooked } from './booking-notices';
import { processingBlocked } from './clients';
import { consentInsert, retryOnClientRace, sealChainSoon } from './consent';
import type { Deps } from './deps';

/** The hold behind an emailed confirmation link; the link is the only credential, so unknown is 404. */
export async function holdByToken(deps: Deps, token: string) {
  if (token.length < 20 || token.length > 128) throw new AppError('NOT_FOUND', 'booking.linkInvalid');
  const rows = await deps.db
    .select({ hold: bookingHolds, practice: practices, type: appointmentTypes })
    .from(bookingHolds)
    .innerJoin(practices, eq(practices.id, bookingHolds.practiceId))
    .innerJoin(appointmentTypes, eq(appointmentTypes.id, bookingHolds.typeId))
    .where(eq(bookingHolds.tokenHash, await hashToken(token)))
    .limit(1);
  const row = rows[0];
  if (!row) throw new AppError('NOT_FOUND', 'booking.linkInvalid');
  return row;
}

export type HeldBooking = Awaited<ReturnType<typeof holdByToken>>;

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
  return someCause(error, (message) => message.includes('NOT NULL constraint failed: appointments.start_at'));
}

/**
 * Confirms a hold from its emailed link: only now, with control of the address proven, is the booking matched to the
 * practice's client with that address, its consent written to the chain (the terms the person accepted when booking)
 * and the appointment booked. The appointment's insert reads its start from the hold only while the hold is pending
 * and unexpired, so a used, released or expired hold fails the whole batch (NOT NULL); of concurrent confirmations
 * only the first batch finds it pending (D1 runs batches one after another), so it books once. A restricted or objecting client (Art. 18/21) is not booked: the
 * hold is released and the answer, seen only by the address's owner, says to contact the practice.
 */
export async function confirmHold(deps: Deps, token: string) {
  const { hold, practice, type } = await holdByToken(deps, token);
  const now = deps.now();
  if (!holdOpen(hold, now)) throw new AppError('CONFLICT', 'booking.holdGone');
  const manageToken = randomToken(32);
  const accessCode = type.mode === 'video' ? newAccessCode() : undefined;
  const [manageTokenHash, accessCodeHash] = await Promise.all([hashToken(manageToken), accessCode ? hashAccessCode(accessCode, deps.config.JOIN_TOKEN_SECRET) : null]);
  const linkKeySeed = type.mode === 'video' ? newLinkKeySeed() : null;
  const purposes: ConsentPurpose[] = hold.reminders ? ['booking', 'reminders'] : ['booking'];
  const open = and(eq(bookingHolds.id, hold.id), eq(bookingHolds.status, 'pending'), gt(bookingHolds.expiresAt, now));
  // Its own id: the hold row outlives the confirmation by up to an hour and must not carry a reference to it.
  const id = newId();

  const booked = await retryOnClientRace(async () => {
    const existing = await deps.db.query.clients.findFirst({ where: and(eq(clients.practiceId, practice.id), eq(clients.email, hold.email)) });
    if (existing && processingBlocked(existing)) {
      await deps.db.batch([...releaseWrites(deps, hold.id)]);
      throw new AppError('FORBIDDEN', 'booking.notPossible');
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
    await deps.db.batch([
      deps.db.insert(clients).values({ id: clientId, practiceId: practice.id, displayName: hold.name, email: hold.email, createdAt: now }).onConflictDoNothing({ target: clients.id }),
      deps.db.insert(appointments).values({
        id,
        practiceId: practice.id,
        clientId,
        typeId: type.id,
        startAt: sql`(SELECT ${bookingHolds.startAt} FROM ${bookingHolds} WHERE ${open})`,
        endAt: hold.endAt,
        status: 'booked',
        manageTokenHash,
        accessCodeHash,
        linkKeySeed,
        consentRecordId: consent.id,
        createdAt: now,
      }),
      deps.db.update(bookingHolds).set({ status: 'confirmed', ...FORGOTTEN }).where(open),
      deps.db.update(appointmentSlots).set({ appointmentId: id, holdId: null }).where(eq(appointmentSlots.holdId, hold.id)),
      ...countBooking(deps, practice.id, clientId, now),
      consent.insert,
      auditInsert(deps.db, { action: 'appointment.booked', practiceId: practice.id, targetId: id }, now),
    ]);
    return { id, clientName: existing?.displayName ?? hold.name };
  }).catch(async (error: unknown) => {
    if (isHoldGone(error)) throw new AppError('CONFLICT', 'booking.holdGone');
    if (isOverLimit(error)) {
      await deps.db.batch([...releaseWrites(deps, hold.id)]);
      throw new AppError('TOO_MANY_ATTEMPTS', 'booking.limitReached');
    }
    throw error;
  });

  await sealChainSoon(deps, practice.id);
  const booking = { id: booked.id, start: hold.startAt, end: hold.endAt, status: 'booked' as const };
  await notifyBooked(deps, {
    practice,
    type,
    appointment: { ...booking, sequence: 0 },
    client: { name: booked.clientName, email: hold.email },
    manageToken,
    accessCode,
    linkKey: linkKeySeed === null ? undefined : await linkKeyOf(booked.id, linkKeySeed, deps.config.JOIN_TOKEN_SECRET),
    locale: isLocale(hold.locale) ? hold.locale : 'de',
  });
  return { booking, manageToken, accessCode };
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
