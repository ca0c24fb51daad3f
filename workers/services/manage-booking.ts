import { eq } from 'drizzle-orm';
import { isUniqueViolation } from '../../db/errors';
import { appointments, appointmentSlots, appointmentTypes, clients, consentRecords, practices } from '../../db/schema';
import { linkKeyOf } from '../domain/access-code';
import { activePurposes, type ConsentPurpose } from '../domain/consent-chain';
import { consentReceipt } from '../domain/consent-receipt';
import { jurisdictionOf } from '../domain/jurisdiction';
import type { Locale } from '../domain/locale';
import { blockedInterval, isFreeSlot } from '../domain/slots';
import { utcToLocal } from '../domain/zoned-time';
import { hashToken } from '../lib/crypto';
import { AppError } from '../lib/errors';
import { auditInsert } from './audit';
import { processingBlocked } from './clients';
import { bucketsOf, claimWrites, currentTerms, slotQuery } from './availability';
import { notifyBooked, notifyCancelled } from './booking-notices';
import { clientConsentRecords, consentInsert, sealChainSoon, sealedRecord } from './consent';
import type { Deps } from './deps';

/** The appointment behind an emailed link token; the link is the client's only credential, so unknown is 404. */
export async function bookingByToken(deps: Deps, token: string) {
  if (token.length < 20 || token.length > 128) throw new AppError('NOT_FOUND', 'booking.linkInvalid');
  const rows = await deps.db
    .select({ appointment: appointments, practice: practices, client: clients, type: appointmentTypes })
    .from(appointments)
    .innerJoin(practices, eq(practices.id, appointments.practiceId))
    .innerJoin(clients, eq(clients.id, appointments.clientId))
    .innerJoin(appointmentTypes, eq(appointmentTypes.id, appointments.typeId))
    .where(eq(appointments.manageTokenHash, await hashToken(token)))
    .limit(1);
  const row = rows[0];
  if (!row) throw new AppError('NOT_FOUND', 'manage.linkInvalid');
  return row;
}

export type ManagedBooking = Awaited<ReturnType<typeof bookingByToken>>;

/** Clients may change an appointment online until the practice's cancellation notice begins. */
export function changeDeadline(booking: ManagedBooking): number {
  return booking.appointment.startAt - booking.practice.cancellationNoticeHours * 3_600_000;
}

export function canChangeOnline(booking: ManagedBooking, now: number): boolean {
  return booking.appointment.status === 'booked' && now < changeDeadline(booking);
}

function assertChangeable(deps: Deps, booking: ManagedBooking) {
  if (booking.appointment.status !== 'booked') throw new AppError('CONFLICT', 'manage.notBooked');
  if (!canChangeOnline(booking, deps.now())) {
    const params = { hours: booking.practice.cancellationNoticeHours, practice: booking.practice.name, contact: booking.practice.contactEmail ?? '' };
    throw new AppError('CONFLICT', { key: 'manage.changeClosed', params });
  }
}

function cancelWrites(deps: Deps, appointmentId: string, sequence: number, now: number) {
  return [
    deps.db.update(appointments).set({ status: 'cancelled', cancelledAt: now, sequence: sequence + 1 }).where(eq(appointments.id, appointmentId)),
    deps.db.delete(appointmentSlots).where(eq(appointmentSlots.appointmentId, appointmentId)),
  ];
}

export async function cancelByClient(deps: Deps, token: string, locale: Locale) {
  const booking = await bookingByToken(deps, token);
  assertChangeable(deps, booking);
  const now = deps.now();
  const { appointment } = booking;
  await deps.db.batch([
    auditInsert(deps.db, { action: 'appointment.cancelled', practiceId: appointment.practiceId, targetId: appointment.id }, now),
    ...cancelWrites(deps, appointment.id, appointment.sequence, now),
  ]);
  await notifyCancelled(deps, {
    practice: booking.practice,
    type: booking.type,
    appointment: { id: appointment.id, start: appointment.startAt, end: appointment.endAt, sequence: appointment.sequence + 1 },
    client: { name: booking.client.displayName, email: booking.client.email, restricted: processingBlocked(booking.client) },
    reason: 'client',
    locale,
  });
}

/** Moves the appointment atomically: old claims go and new ones come in one batch, so a taken time changes nothing. */
export async function rescheduleByClient(deps: Deps, token: string, newStart: number, locale: Locale) {
  const booking = await bookingByToken(deps, token);
  assertChangeable(deps, booking);
  const { appointment, practice, type } = booking;
  const date = utcToLocal(newStart, practice.timeZone).date;
  const query = await slotQuery(deps, practice, [type], date, date, appointment.id);
  if (!isFreeSlot(query, newStart, type.id)) throw new AppError('CONFLICT', 'manage.slotNotFree', { start: 'manage.slotNotFreeField' });
  const now = deps.now();
  const end = newStart + type.durationMin * 60_000;
  const buckets = bucketsOf(blockedInterval(newStart, type));
  try {
    await deps.db.batch([
      deps.db.delete(appointmentSlots).where(eq(appointmentSlots.appointmentId, appointment.id)),
      ...claimWrites(deps, practice.id, buckets, { appointmentId: appointment.id }, now),
      deps.db.update(appointments).set({ startAt: newStart, endAt: end, sequence: appointment.sequence + 1, reminderSentAt: null }).where(eq(appointments.id, appointment.id)),
      auditInsert(deps.db, { action: 'appointment.rescheduled', practiceId: practice.id, targetId: appointment.id }, now),
    ]);
  } catch (error) {
    if (isUniqueViolation(error, 'appointment_slots.')) throw new AppError('CONFLICT', 'manage.slotJustTaken', { start: 'booking.slotGoneField' });
    throw error;
  }
  await notifyBooked(deps, {
    practice,
    type,
    appointment: { id: appointment.id, start: newStart, end, sequence: appointment.sequence + 1 },
    client: { name: booking.client.displayName, email: booking.client.email, restricted: processingBlocked(booking.client) },
    manageToken: token,
    accessCode: undefined,
    linkKey: appointment.linkKeySeed === null ? undefined : await linkKeyOf(appointment.id, appointment.linkKeySeed, deps.config.JOIN_TOKEN_SECRET),
    locale,
    event: 'rescheduled',
  });
  return { start: newStart, end };
}

/**
 * What this booking's consent still covers: the purposes given with it (its own record), less what has been withdrawn
 * since. A link shows and acts on its own booking only, never on the client's other appointments or consents
 * (issue 11); the rights portal, which proves control of the address on file, handles anything wider.
 */
export async function bookingConsents(deps: Deps, booking: ManagedBooking): Promise<ConsentPurpose[]> {
  const recordId = booking.appointment.consentRecordId;
  const given = recordId ? await deps.db.query.consentRecords.findFirst({ where: eq(consentRecords.id, recordId) }) : undefined;
  if (!given) return [];
  const active = activePurposes(await clientConsentRecords(deps, booking.client.id));
  return given.purposes.filter((p) => active.has(p));
}

/**
 * Art. 7(3) GDPR: withdrawal is as easy as consent and possible at any time, so it ignores the cancellation notice.
 * It is a new record in the chain covering the consent given with this booking; withdrawing its booking purpose
 * cancels this appointment, and no other.
 */
export async function withdrawConsent(deps: Deps, token: string, scope: 'all' | 'reminders', locale: Locale) {
  const booking = await bookingByToken(deps, token);
  const { practice, client, appointment } = booking;
  const active = await bookingConsents(deps, booking);
  const purposes: ConsentPurpose[] = scope === 'reminders' ? active.filter((p) => p === 'reminders') : active;
  if (purposes.length === 0) return { withdrawn: [] as ConsentPurpose[], cancelled: 0 };
  const terms = await currentTerms(deps, practice.id);
  const now = deps.now();
  const cancels = purposes.includes('booking') && appointment.status === 'booked' && appointment.startAt > now;
  const consent = await consentInsert(deps, practice.id, {
    clientId: client.id,
    kind: 'withdrawn',
    purposes,
    termsVersion: terms.version,
    termsSha256: terms.sha256,
    method: 'withdrawal-link',
  });
  await deps.db.batch([
    consent.insert,
    ...(cancels ? cancelWrites(deps, appointment.id, appointment.sequence, now) : []),
    auditInsert(deps.db, { action: 'consent.withdrawn', practiceId: practice.id, targetId: client.id }, now),
  ]);
  await sealChainSoon(deps, practice.id);
  if (cancels) {
    await notifyCancelled(deps, {
      practice,
      type: booking.type,
      appointment: { id: appointment.id, start: appointment.startAt, end: appointment.endAt, sequence: appointment.sequence + 1 },
      client: { name: client.displayName, email: client.email, restricted: processingBlocked(client) },
      reason: 'withdrawal',
      locale,
    });
  }
  return { withdrawn: purposes, cancelled: cancels ? 1 : 0 };
}

export async function receiptFor(deps: Deps, token: string) {
  const booking = await bookingByToken(deps, token);
  const recordId = booking.appointment.consentRecordId;
  const record = recordId ? await sealedRecord(deps, recordId) : undefined;
  if (!record) throw new AppError('NOT_FOUND', 'manage.consentGone');
  return consentReceipt({
    record,
    practice: { name: booking.practice.name, contactEmail: booking.practice.contactEmail, slug: booking.practice.slug },
    appOrigin: deps.config.APP_ORIGIN,
    jurisdiction: jurisdictionOf(booking.practice.timeZone),
    issuedAt: deps.now(),
  });
}


/** The client's active purposes across the whole chain; reminders follow the client's latest choice. */
export async function activeConsentsOf(deps: Deps, clientId: string) {
  return activePurposes(await clientConsentRecords(deps, clientId));
}
