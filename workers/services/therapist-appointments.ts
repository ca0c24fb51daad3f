import { and, asc, eq, gte, lt } from 'drizzle-orm';
import { isUniqueViolation } from '../../db/errors';
import { appointments, appointmentTypes, callMetrics, clients } from '../../db/schema';
import { canCancel, canMarkStatus, processingBlocked } from '../domain/appointment-rules';
import type { Locale } from '../domain/locale';
import type { TherapistActor } from '../lib/actor';
import { newId } from '../lib/crypto';
import { AppError } from '../lib/errors';
import { cancelAppointment, createAppointment, markAppointment } from './appointment-lifecycle';
import { auditInsert } from './audit';
import type { Practice } from './availability';
import { callUrl } from './booking-notices';
import { clientOfPractice } from './clients';
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
  if (!row) throw new AppError('NOT_FOUND', 'No such appointment in your practice');
  return row;
}

/**
 * The therapist books a client by hand, at any time they choose (outside opening hours too), still through the slot
 * claims so nothing can overlap. A video appointment gets a call link and access code to pass on through any channel,
 * so a client without contact data on file can be invited.
 */
export async function createAppointmentByTherapist(deps: Deps, actor: TherapistActor, practice: Practice, input: { clientId: string; typeId: string; start: number }, locale: Locale) {
  const client = await clientOfPractice(deps, practice.id, input.clientId);
  if (processingBlocked(client)) throw new AppError('CONFLICT', 'Processing is restricted or objected to for this client: no new appointments', { clientId: ['Restricted'] });
  const type = await deps.db.query.appointmentTypes.findFirst({ where: and(eq(appointmentTypes.id, input.typeId), eq(appointmentTypes.practiceId, practice.id)) });
  if (!type) throw new AppError('VALIDATION_FAILED', 'Unknown appointment type', { typeId: ['Choose one of your appointment types'] });
  const now = deps.now();
  if (input.start <= now) throw new AppError('VALIDATION_FAILED', 'Choose a time in the future', { start: ['In the past'] });
  const created = await createAppointment(deps, { id: newId(), practice, type, clientId: client.id, start: input.start, slots: { claim: true }, now });
  try {
    await deps.db.batch([auditInsert(deps.db, { action: 'appointment.created', actor, practiceId: practice.id, targetId: created.id }, now), ...created.writes]);
  } catch (error) {
    if (isUniqueViolation(error, 'appointment_slots.')) throw new AppError('CONFLICT', 'This time overlaps another appointment', { start: ['Overlaps another appointment'] });
    throw error;
  }
  await created.notify({ name: client.displayName, email: client.email, restricted: false }, locale);
  const { id, end, accessCode, linkKey } = created;
  return { id, start: input.start, end, callUrl: type.mode === 'video' ? callUrl(deps, id, linkKey) : undefined, accessCode };
}

export async function setAppointmentStatus(deps: Deps, actor: TherapistActor, appointmentId: string, status: 'completed' | 'no_show') {
  const { appointment } = await appointmentOfPractice(deps, actor.practiceId, appointmentId);
  if (!canMarkStatus(appointment.status)) throw new AppError('CONFLICT', 'A cancelled appointment cannot change its status');
  await deps.db.batch([
    auditInsert(deps.db, { action: 'appointment.status_changed', actor, practiceId: actor.practiceId, targetId: appointmentId }, deps.now()),
    ...markAppointment(deps, appointmentId, status),
  ]);
}

export async function cancelByTherapist(deps: Deps, actor: TherapistActor, practice: Practice, appointmentId: string, locale: Locale) {
  const context = await appointmentOfPractice(deps, practice.id, appointmentId);
  if (!canCancel(context.appointment.status)) throw new AppError('CONFLICT', 'Only a booked appointment can be cancelled');
  const now = deps.now();
  const cancel = cancelAppointment(deps, { ...context, practice }, now, 'practice');
  await deps.db.batch([auditInsert(deps.db, { action: 'appointment.cancelled', actor, practiceId: practice.id, targetId: appointmentId }, now), ...cancel.writes]);
  await cancel.notify(locale);
}
