import { and, eq, type SQL } from 'drizzle-orm';
import { isUniqueViolation } from '../../db/errors';
import { appointments, appointmentTypes, clients, consentRecords, practices } from '../../db/schema';
import { canChangeOnline as canChangeAppointmentOnline, purposesToWithdraw, withdrawalCancels } from '../domain/appointment-rules';
import { activePurposes, type ConsentPurpose } from '../domain/consent-chain';
import { consentReceipt } from '../domain/consent-receipt';
import { jurisdictionOf } from '../domain/jurisdiction';
import type { Locale } from '../domain/locale';
import { isFreeSlot } from '../domain/slots';
import { utcToLocal } from '../domain/zoned-time';
import type { ClientActor } from '../lib/actor';
import { hashToken } from '../lib/crypto';
import { AppError } from '../lib/errors';
import { cancelAppointment, rescheduleAppointment } from './appointment-lifecycle';
import { auditInsert } from './audit';
import { slotQuery } from './availability';
import { chainHeadOf, clientConsentRecords, sealedRecord } from './consent';
import { withdrawalChange } from './consent-withdrawal';
import type { Deps } from './deps';

function managedBooking(deps: Deps, where: SQL | undefined) {
  return deps.db
    .select({ appointment: appointments, practice: practices, client: clients, type: appointmentTypes })
    .from(appointments)
    .innerJoin(practices, eq(practices.id, appointments.practiceId))
    .innerJoin(clients, eq(clients.id, appointments.clientId))
    .innerJoin(appointmentTypes, eq(appointmentTypes.id, appointments.typeId))
    .where(where)
    .limit(1);
}

const GONE = 'This link is not valid or the appointment no longer exists';

/** The appointment behind an emailed link token; the link is the client's only credential, so unknown is 404. */
export async function bookingByToken(deps: Deps, token: string) {
  if (token.length < 20 || token.length > 128) throw new AppError('NOT_FOUND', 'This link is not valid');
  const row = (await managedBooking(deps, eq(appointments.manageTokenHash, await hashToken(token))))[0];
  if (!row) throw new AppError('NOT_FOUND', GONE);
  return row;
}

export type ManagedBooking = Awaited<ReturnType<typeof bookingByToken>>;
export type LinkActor = Extract<ClientActor, { via: 'link' }>;

/** Whoever holds an appointment's emailed link acts as its client, on that appointment only (issue 11). */
export async function linkActor(deps: Deps, token: string): Promise<LinkActor> {
  const { appointment } = await bookingByToken(deps, token);
  return { kind: 'client', via: 'link', practiceId: appointment.practiceId, clientId: appointment.clientId, appointmentId: appointment.id };
}

async function bookingOf(deps: Deps, actor: LinkActor): Promise<ManagedBooking> {
  const row = (await managedBooking(deps, and(eq(appointments.id, actor.appointmentId), eq(appointments.clientId, actor.clientId))))[0];
  if (!row) throw new AppError('NOT_FOUND', GONE);
  return row;
}

/** Clients may change an appointment online until the practice's cancellation notice begins. */
export function canChangeOnline(booking: ManagedBooking, now: number): boolean {
  return canChangeAppointmentOnline(booking.appointment, booking.practice.cancellationNoticeHours, now);
}

function assertChangeable(deps: Deps, booking: ManagedBooking) {
  if (booking.appointment.status !== 'booked') throw new AppError('CONFLICT', 'This appointment is no longer booked');
  if (!canChangeOnline(booking, deps.now())) {
    const contact = booking.practice.contactEmail ? ` at ${booking.practice.contactEmail}` : '';
    throw new AppError(
      'CONFLICT',
      `Online changes close ${booking.practice.cancellationNoticeHours} hours before the appointment. Please contact ${booking.practice.name}${contact}.`,
    );
  }
}

export async function cancelByClient(deps: Deps, actor: LinkActor, locale: Locale) {
  const booking = await bookingOf(deps, actor);
  assertChangeable(deps, booking);
  const now = deps.now();
  const { appointment } = booking;
  const cancel = cancelAppointment(deps, booking, now, 'client');
  await deps.db.batch([auditInsert(deps.db, { action: 'appointment.cancelled', actor, practiceId: appointment.practiceId, targetId: appointment.id }, now), ...cancel.writes]);
  await cancel.notify(locale);
}

/** Moves the appointment atomically: old claims go and new ones come in one batch, so a taken time changes nothing. */
export async function rescheduleByClient(deps: Deps, actor: LinkActor, token: string, newStart: number, locale: Locale) {
  const booking = await bookingOf(deps, actor);
  assertChangeable(deps, booking);
  const { appointment, practice, type } = booking;
  const date = utcToLocal(newStart, practice.timeZone).date;
  const query = await slotQuery(deps, practice, [type], date, date, appointment.id);
  if (!isFreeSlot(query, newStart, type.id)) throw new AppError('CONFLICT', 'This time is not free. Please choose another one.', { start: ['Not available'] });
  const now = deps.now();
  const move = rescheduleAppointment(deps, booking, newStart, now);
  try {
    await deps.db.batch([auditInsert(deps.db, { action: 'appointment.rescheduled', actor, practiceId: practice.id, targetId: appointment.id }, now), ...move.writes]);
  } catch (error) {
    if (isUniqueViolation(error, 'appointment_slots.')) throw new AppError('CONFLICT', 'This time was just booked by someone else.', { start: ['No longer available'] });
    throw error;
  }
  await move.notify(token, locale);
  return { start: move.start, end: move.end };
}

/**
 * What this booking's consent still covers: the purposes given with it (its own record), less what has been withdrawn
 * since. A link shows and acts on its own booking only, never on the client's other appointments or consents
 * (issue 11); the rights portal, which proves control of the address on file, handles anything wider.
 */
export async function bookingConsents(deps: Deps, booking: ManagedBooking): Promise<ConsentPurpose[]> {
  return (await bookingConsentState(deps, booking)).active;
}

async function bookingConsentState(deps: Deps, booking: ManagedBooking) {
  const recordId = booking.appointment.consentRecordId;
  const [given, records] = await Promise.all([
    recordId ? deps.db.query.consentRecords.findFirst({ where: eq(consentRecords.id, recordId) }) : undefined,
    clientConsentRecords(deps, booking.client.id),
  ]);
  const active = activePurposes(records);
  return { active: given ? given.purposes.filter((p) => active.has(p)) : [], seenHead: chainHeadOf(records) };
}

/**
 * Art. 7(3) GDPR: withdrawal is as easy as consent and possible at any time, so it ignores the cancellation notice.
 * It is a new record in the chain covering the consent given with this booking; withdrawing its booking purpose
 * cancels this appointment, and no other. Of concurrent withdrawals the database writes one; the others read again
 * and find nothing left to withdraw.
 */
export async function withdrawConsent(deps: Deps, actor: LinkActor, scope: 'all' | 'reminders', locale: Locale) {
  for (let round = 1; ; round++) {
    const booking = await bookingOf(deps, actor);
    const { active, seenHead } = await bookingConsentState(deps, booking);
    const purposes = purposesToWithdraw(active, scope);
    if (purposes.length === 0) return { withdrawn: [] as ConsentPurpose[], cancelled: 0 };
    const now = deps.now();
    const cancels = withdrawalCancels(purposes, booking.appointment, now) ? [booking] : [];
    const change = await withdrawalChange(deps, actor, { practiceId: booking.practice.id, clientId: booking.client.id, purposes, cancels, method: 'withdrawal-link', seenHead }, now);
    const [written] = await deps.db.batch(change.writes());
    if (written.length > 0) {
      await change.notify(locale);
      return { withdrawn: purposes, cancelled: cancels.length };
    }
    if (round >= 3) throw new AppError('CONFLICT', 'appointment.consentChanged');
  }
}

export async function receiptFor(deps: Deps, token: string) {
  const booking = await bookingByToken(deps, token);
  const recordId = booking.appointment.consentRecordId;
  const record = recordId ? await sealedRecord(deps, recordId) : undefined;
  if (!record) throw new AppError('NOT_FOUND', 'The consent record of this booking no longer exists');
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
