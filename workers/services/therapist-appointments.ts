import { and, asc, eq, gte, lt } from 'drizzle-orm';
import { isUniqueViolation } from '../../db/errors';
import { appointments, appointmentSlots, appointmentTypes, callMetrics, clients } from '../../db/schema';
import { hashAccessCode, linkKeyOf, newLinkKeySeed } from '../domain/access-code';
import type { Locale } from '../domain/locale';
import { blockedInterval } from '../domain/slots';
import { hashToken, newId, randomToken } from '../lib/crypto';
import { AppError } from '../lib/errors';
import { auditInsert } from './audit';
import { bucketsOf, claimWrites, type Practice } from './availability';
import { newAccessCode } from './booking';
import { callUrl, notifyBooked, notifyCancelled } from './booking-notices';
import { clientOfPractice, processingBlocked } from './clients';
import type { Deps } from './deps';

/** The agenda: appointments in [from, to) with the call's connected time joined in, so no list of ids is bound. */
export async function appointmentsBetween(deps: Deps, practiceId: string, from: number, to: number) {
  return deps.db
    .select({ appointment: appointments, clientName: clients.displayName, typeName: appointmentTypes.name, mode: appointmentTypes.mode, callMs: callMetrics.connectedMs })
    .from(appointments)
    .innerJoin(clients, eq(clients.id, appointments.clientId))
    .innerJoin(appointmentTypes, eq(appointmentTypes.id, appointments.typeId))
    .leftJoin(callMetrics, and(eq(callMetrics.appointmentId, appointments.id), eq(callMetrics.practiceId, practiceId)))
    .where(and(eq(appointments.practiceId, practiceId), gte(appointments.startAt, from), lt(appointments.startAt, to)))
    .orderBy(asc(appointments.startAt));
}

export async function appointmentOfPractice(deps: Deps, practiceId: string, appointmentId: string) {
  const rows = await deps.db
    .select({ appointment: appointments, client: clients, type: appointmentTypes })
    .from(appointments)
    .innerJoin(clients, eq(clients.id, appointments.clientId))
    .innerJoin(appointmentTypes, eq(appointmentTypes.id, appointments.typeId))
    .where(and(eq(appointments.id, appointmentId), eq(appointments.practiceId, practiceId)));
  const row = rows[0];
  if (!row) throw new AppError('NOT_FOUND', 'appointments.notFound');
  return row;
}

/**
 * The therapist books a client by hand, at any time they choose (outside opening hours too), still through the slot
 * claims so nothing can overlap. A video appointment gets a call link and access code to pass on through any channel,
 * so a client without contact data on file can be invited.
 */
export async function createAppointmentByTherapist(deps: Deps, practice: Practice, input: { clientId: string; typeId: string; start: number }, locale: Locale) {
  const client = await clientOfPractice(deps, practice.id, input.clientId);
  if (processingBlocked(client)) throw new AppError('CONFLICT', 'appointments.processingBlocked', { clientId: 'appointments.restrictedField' });
  const type = await deps.db.query.appointmentTypes.findFirst({ where: and(eq(appointmentTypes.id, input.typeId), eq(appointmentTypes.practiceId, practice.id)) });
  if (!type) throw new AppError('VALIDATION_FAILED', 'booking.unknownType', { typeId: 'appointments.unknownTypeField' });
  const now = deps.now();
  if (input.start <= now) throw new AppError('VALIDATION_FAILED', 'appointments.chooseFuture', { start: 'appointments.inThePastField' });
  const id = newId();
  const end = input.start + type.durationMin * 60_000;
  const manageToken = randomToken(32);
  const accessCode = type.mode === 'video' ? newAccessCode() : undefined;
  const linkKeySeed = type.mode === 'video' ? newLinkKeySeed() : null;
  const linkKey = linkKeySeed === null ? undefined : await linkKeyOf(id, linkKeySeed, deps.config.JOIN_TOKEN_SECRET);
  try {
    await deps.db.batch([
      deps.db.insert(appointments).values({
        id,
        practiceId: practice.id,
        clientId: client.id,
        typeId: type.id,
        startAt: input.start,
        endAt: end,
        status: 'booked',
        manageTokenHash: await hashToken(manageToken),
        accessCodeHash: accessCode ? await hashAccessCode(accessCode, deps.config.JOIN_TOKEN_SECRET) : null,
        linkKeySeed,
        createdAt: now,
      }),
      ...claimWrites(deps, practice.id, bucketsOf(blockedInterval(input.start, type)), { appointmentId: id }, now),
      auditInsert(deps.db, { action: 'appointment.created', practiceId: practice.id, targetId: id }, now),
    ]);
  } catch (error) {
    if (isUniqueViolation(error, 'appointment_slots.')) throw new AppError('CONFLICT', 'appointments.overlaps', { start: 'appointments.overlapsField' });
    throw error;
  }
  await notifyBooked(deps, {
    practice,
    type,
    appointment: { id, start: input.start, end, sequence: 0 },
    client: { name: client.displayName, email: client.email, restricted: false },
    manageToken,
    accessCode,
    linkKey,
    locale,
  });
  return { id, start: input.start, end, callUrl: type.mode === 'video' ? callUrl(deps, id, linkKey) : undefined, accessCode };
}

export async function setAppointmentStatus(deps: Deps, practiceId: string, appointmentId: string, status: 'completed' | 'no_show') {
  const { appointment } = await appointmentOfPractice(deps, practiceId, appointmentId);
  if (appointment.status === 'cancelled') throw new AppError('CONFLICT', 'appointments.cancelledStays');
  await deps.db.batch([
    deps.db.update(appointments).set({ status }).where(eq(appointments.id, appointmentId)),
    auditInsert(deps.db, { action: 'appointment.status_changed', practiceId, targetId: appointmentId }, deps.now()),
  ]);
}

export async function cancelByTherapist(deps: Deps, practice: Practice, appointmentId: string, locale: Locale) {
  const { appointment, client, type } = await appointmentOfPractice(deps, practice.id, appointmentId);
  if (appointment.status !== 'booked') throw new AppError('CONFLICT', 'appointments.onlyBookedCancels');
  const now = deps.now();
  await deps.db.batch([
    deps.db.update(appointments).set({ status: 'cancelled', cancelledAt: now, sequence: appointment.sequence + 1 }).where(eq(appointments.id, appointmentId)),
    deps.db.delete(appointmentSlots).where(eq(appointmentSlots.appointmentId, appointmentId)),
    auditInsert(deps.db, { action: 'appointment.cancelled', practiceId: practice.id, targetId: appointmentId }, now),
  ]);
  await notifyCancelled(deps, {
    practice,
    type,
    appointment: { id: appointment.id, start: appointment.startAt, end: appointment.endAt, sequence: appointment.sequence + 1 },
    client: { name: client.displayName, email: client.email, restricted: processingBlocked(client) },
    reason: 'practice',
    locale,
  });
}
