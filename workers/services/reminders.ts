import { and, eq, gt, isNull, lte, sql } from 'drizzle-orm';
import { appointments, appointmentTypes, clients, practices } from '../../db/schema';
import { bookingReminderEmail } from '../../emails/booking-reminder';
import { linkKeyOf } from '../domain/access-code';
import { processingBlocked } from '../domain/appointment-rules';
import { isLocale } from '../domain/locale';
import { SYSTEM } from '../lib/actor';
import { auditInsert } from './audit';
import { callUrl } from './booking-notices';
import { activeConsentsOf } from './manage-booking';
import type { Deps } from './deps';
import { deliverQuietly } from './mail-delivery';

export const REMINDER_LEAD_MS = 24 * 3_600_000;

/**
 * Cron: a reminder 24 hours before, only to clients who consented to reminders and still do. Each appointment is
 * claimed with a conditional update before its email goes out, so two overlapping cron runs send it once. `sent`
 * counts the reminders handed to the mailer.
 */
export async function sendDueReminders(deps: Deps) {
  const now = deps.now();
  const due = await deps.db
    .select({ appointment: appointments, client: clients, practice: practices, mode: appointmentTypes.mode })
    .from(appointments)
    .innerJoin(clients, eq(clients.id, appointments.clientId))
    .innerJoin(practices, eq(practices.id, appointments.practiceId))
    .innerJoin(appointmentTypes, eq(appointmentTypes.id, appointments.typeId))
    .where(
      and(
        eq(appointments.status, 'booked'),
        isNull(appointments.reminderSentAt),
        gt(appointments.startAt, now),
        lte(appointments.startAt, now + REMINDER_LEAD_MS),
        // Booked less than a day ahead: the confirmation is reminder enough.
        lte(appointments.createdAt, sql`${appointments.startAt} - ${REMINDER_LEAD_MS}`),
      ),
    );
  let sent = 0;
  for (const { appointment, client, practice, mode } of due) {
    if (!client.email || processingBlocked(client) || !(await activeConsentsOf(deps, client.id)).has('reminders')) continue;
    const claimed = await deps.db
      .update(appointments)
      .set({ reminderSentAt: now })
      .where(and(eq(appointments.id, appointment.id), isNull(appointments.reminderSentAt)))
      .returning({ id: appointments.id });
    if (claimed.length === 0) continue;
    await auditInsert(deps.db, { action: 'reminder.sent', actor: SYSTEM, practiceId: practice.id, targetId: appointment.id }, now);
    const locale = isLocale(practice.locale) ? practice.locale : 'de';
    const email = bookingReminderEmail(
      {
        practiceName: practice.name,
        nameInSubject: practice.nameInSubjects,
        clientName: client.displayName,
        start: appointment.startAt,
        timeZone: practice.timeZone,
        manageUrl: `${deps.config.APP_ORIGIN}/rights`,
        ...(mode === 'video' ? { callUrl: callUrl(deps, appointment.id, appointment.linkKeySeed === null ? undefined : await linkKeyOf(appointment.id, appointment.linkKeySeed, deps.config.JOIN_TOKEN_SECRET)) } : {}),
      },
      locale,
    );
    // One refused delivery must not stop the others' reminders; the claim stays, so it is not sent twice.
    if (await deliverQuietly(deps, { to: client.email, ...email })) sent++;
  }
  return { sent };
}
