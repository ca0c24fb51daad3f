import { and, eq, ne, type SQL } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { appointments } from '../../db/schema';
import { hashAccessCode, linkKeyOf, newAccessCode, newLinkKeySeed } from '../domain/access-code';
import { appointmentEnd, processingBlocked } from '../domain/appointment-rules';
import type { Locale } from '../domain/locale';
import { blockedInterval } from '../domain/slots';
import { hashToken, randomToken } from '../lib/crypto';
import { type AppointmentType, bucketsOf, type Practice } from './availability';
import { notifyBooked, notifyCancelled } from './booking-notices';
import type { Client } from './clients';
import type { Deps } from './deps';
import { claimWrites, handOverSlots, releaseSlots } from './slot-claims';

/**
 * The one place an appointment is created, moved, cancelled and marked. Each function returns the batch items of the
 * change (so the caller adds its own audit entry, naming its actor, to the same batch: a state change and its record
 * commit together) and, where someone must be told, the notice to send after the commit.
 */

export type Appointment = typeof appointments.$inferSelect;
/** An appointment with what its notices need. */
export type AppointmentContext = { appointment: Appointment; practice: Practice; type: AppointmentType; client: Client };
export type Batch = BatchItem<'sqlite'>[];

/** The client's side of a notice: no email while processing is restricted or objected to (Art. 18, 21 GDPR). */
function noticeClient(client: Client) {
  return { name: client.displayName, email: client.email, restricted: processingBlocked(client) };
}

/** Secrets of a new appointment: the client's manage link, and for a video appointment the access code and link key. */
async function newSecrets(deps: Deps, id: string, mode: AppointmentType['mode']) {
  const manageToken = randomToken(32);
  const accessCode = mode === 'video' ? newAccessCode() : undefined;
  const linkKeySeed = mode === 'video' ? newLinkKeySeed() : null;
  const [manageTokenHash, accessCodeHash, linkKey] = await Promise.all([
    hashToken(manageToken),
    accessCode ? hashAccessCode(accessCode, deps.config.JOIN_TOKEN_SECRET) : null,
    linkKeySeed === null ? undefined : linkKeyOf(id, linkKeySeed, deps.config.JOIN_TOKEN_SECRET),
  ]);
  return { manageToken, manageTokenHash, accessCode, accessCodeHash, linkKeySeed, linkKey };
}

export type NewAppointment = {
  id: string;
  practice: Practice;
  type: AppointmentType;
  clientId: string;
  start: number;
  /**
   * How the time is held: claimed now (the therapist's booking), or handed over from a confirmed hold, whose start the
   * insert reads only while the hold is still open (`startAt`, NULL otherwise, which fails the batch).
   */
  slots: { claim: true } | { holdId: string; startAt: SQL };
  /** The end a hold promised, should the type's length have changed since. */
  end?: number;
  consentRecordId?: string | null;
  now: number;
};

/** Creation: the appointment row, its slot claims (the primary key refuses an overlap) and its secrets. */
export async function createAppointment(deps: Deps, input: NewAppointment) {
  const { id, practice, type, now } = input;
  const end = input.end ?? appointmentEnd(input.start, type);
  const secrets = await newSecrets(deps, id, type.mode);
  const writes: Batch = [
    deps.db.insert(appointments).values({
      id,
      practiceId: practice.id,
      clientId: input.clientId,
      typeId: type.id,
      startAt: 'holdId' in input.slots ? input.slots.startAt : input.start,
      endAt: end,
      status: 'booked',
      manageTokenHash: secrets.manageTokenHash,
      accessCodeHash: secrets.accessCodeHash,
      linkKeySeed: secrets.linkKeySeed,
      consentRecordId: input.consentRecordId ?? null,
      createdAt: now,
    }),
    ...('holdId' in input.slots
      ? [handOverSlots(deps, input.slots.holdId, id)]
      : claimWrites(deps, practice.id, bucketsOf(blockedInterval(input.start, type)), { appointmentId: id }, now)),
  ];
  const notify = (client: { name: string; email: string | null; restricted?: boolean }, locale: Locale) =>
    notifyBooked(deps, {
      practice,
      type,
      appointment: { id, start: input.start, end, sequence: 0 },
      client,
      manageToken: secrets.manageToken,
      accessCode: secrets.accessCode,
      linkKey: secrets.linkKey,
      locale,
    });
  return { id, start: input.start, end, manageToken: secrets.manageToken, accessCode: secrets.accessCode, linkKey: secrets.linkKey, writes, notify };
}

/**
 * Cancellation: the status (only from booked, decided in the database, so two cancellations change it once), a new
 * calendar sequence, and the time given back. `guard` lets a caller tie it to a condition of its own batch.
 */
export function cancelWrites(deps: Deps, appointment: Pick<Appointment, 'id' | 'sequence'>, now: number, guard?: SQL): Batch {
  const open = and(eq(appointments.id, appointment.id), eq(appointments.status, 'booked'), guard);
  return [
    deps.db.update(appointments).set({ status: 'cancelled', cancelledAt: now, sequence: appointment.sequence + 1 }).where(open),
    releaseSlots(deps, { appointmentId: appointment.id }, guard),
  ];
}

export type CancelReason = 'client' | 'practice' | 'withdrawal';

/** Cancels one appointment: its writes, and the notices to the client (in `locale`) and the practice after the commit. */
export function cancelAppointment(deps: Deps, context: AppointmentContext, now: number, reason: CancelReason, guard?: SQL) {
  const { appointment } = context;
  return {
    writes: cancelWrites(deps, appointment, now, guard),
    notify: (locale: Locale) =>
      notifyCancelled(deps, {
        practice: context.practice,
        type: context.type,
        appointment: { id: appointment.id, start: appointment.startAt, end: appointment.endAt, sequence: appointment.sequence + 1 },
        client: noticeClient(context.client),
        reason,
        locale,
      }),
  };
}

/**
 * Rescheduling: the old claims go and the new ones come in the same batch, so a taken time changes nothing; the
 * reminder is due again for the new time.
 */
export function rescheduleAppointment(deps: Deps, context: AppointmentContext, start: number, now: number) {
  const { appointment, practice, type } = context;
  const end = appointmentEnd(start, type);
  const writes: Batch = [
    releaseSlots(deps, { appointmentId: appointment.id }),
    ...claimWrites(deps, practice.id, bucketsOf(blockedInterval(start, type)), { appointmentId: appointment.id }, now),
    deps.db.update(appointments).set({ startAt: start, endAt: end, sequence: appointment.sequence + 1, reminderSentAt: null }).where(eq(appointments.id, appointment.id)),
  ];
  const notify = async (manageToken: string, locale: Locale) =>
    notifyBooked(deps, {
      practice,
      type,
      appointment: { id: appointment.id, start, end, sequence: appointment.sequence + 1 },
      client: noticeClient(context.client),
      manageToken,
      accessCode: undefined,
      linkKey: appointment.linkKeySeed === null ? undefined : await linkKeyOf(appointment.id, appointment.linkKeySeed, deps.config.JOIN_TOKEN_SECRET),
      locale,
      event: 'rescheduled',
    });
  return { start, end, writes, notify };
}

/** What happened at a past appointment; a cancelled one keeps its status (decided in the database too). */
export function markAppointment(deps: Deps, appointmentId: string, status: 'completed' | 'no_show'): Batch {
  return [deps.db.update(appointments).set({ status }).where(and(eq(appointments.id, appointmentId), ne(appointments.status, 'cancelled')))];
}
