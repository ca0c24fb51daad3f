import type { ConsentPurpose } from './consent-chain';

/**
 * The pure rules of an appointment's life: when it ends, until when a client may change it online, whether a client
 * may be booked or written to at all, and what a withdrawal of consent takes with it. Callers pass plain data and `now`.
 */

export type AppointmentStatus = 'booked' | 'cancelled' | 'completed' | 'no_show';

/** The appointment's end: its type's length after the start (buffers are slot claims, not part of the appointment). */
export function appointmentEnd(start: number, type: { durationMin: number }): number {
  return start + type.durationMin * 60_000;
}

/** Clients may change an appointment online until the practice's cancellation notice begins. */
export function changeDeadline(startAt: number, cancellationNoticeHours: number): number {
  return startAt - cancellationNoticeHours * 3_600_000;
}

export function canChangeOnline(appointment: { status: AppointmentStatus; startAt: number }, cancellationNoticeHours: number, now: number): boolean {
  return appointment.status === 'booked' && now < changeDeadline(appointment.startAt, cancellationNoticeHours);
}

/** Only a booked appointment can be cancelled; a cancelled one keeps its status (completed and no-show are final too). */
export function canCancel(status: AppointmentStatus): boolean {
  return status === 'booked';
}

/** Marking what happened (completed, no-show) is refused only for a cancelled appointment. */
export function canMarkStatus(status: AppointmentStatus): boolean {
  return status !== 'cancelled';
}

/**
 * Art. 18 (restriction) and Art. 21 (objection) GDPR: while either holds, the client gets no new appointment and no
 * email; the data stays.
 */
export function processingBlocked(client: { restrictedAt: number | null; objectedAt: number | null }): boolean {
  return client.restrictedAt !== null || client.objectedAt !== null;
}

/** What a withdrawal takes back: every active purpose, or only reminders. */
export function purposesToWithdraw(active: Iterable<ConsentPurpose>, scope: 'all' | 'reminders'): ConsentPurpose[] {
  const purposes = [...active];
  return scope === 'reminders' ? purposes.filter((p) => p === 'reminders') : purposes;
}

/**
 * Withdrawing the booking purpose cancels the appointments it allowed that are still to come (Art. 7(3) GDPR: the
 * appointment loses its basis); past ones stay as records of what happened.
 */
export function withdrawalCancels(purposes: readonly ConsentPurpose[], appointment: { status: AppointmentStatus; startAt: number }, now: number): boolean {
  return purposes.includes('booking') && appointment.status === 'booked' && appointment.startAt > now;
}
