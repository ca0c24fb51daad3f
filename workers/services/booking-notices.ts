import { and, eq } from 'drizzle-orm';
import { users } from '../../db/schema';
import { bookingCancelledEmail } from '../../emails/booking-cancelled';
import { bookingConfirmationEmail } from '../../emails/booking-confirmation';
import { therapistBookingNoticeEmail } from '../../emails/therapist-notice';
import { appointmentIcs, calendarUid } from '../domain/ics';
import { isLocale, type Locale } from '../domain/locale';
import type { AppointmentType, Practice } from './availability';
import type { Deps } from './deps';
import { deliverQuietly } from './mail-delivery';

/** Emails are sent after the change committed (deliverQuietly): a failed delivery never undoes or fails it. */
export type NoticeAppointment = { id: string; start: number; end: number; sequence: number };

export function manageUrl(deps: Deps, token: string): string {
  return `${deps.config.APP_ORIGIN}/b/${token}`;
}

/** The call link; with the link key in its fragment (never sent to a server) for the client's own copy. */
export function callUrl(deps: Deps, appointmentId: string, linkKey?: string | undefined): string {
  const base = `${deps.config.APP_ORIGIN}/call/${appointmentId}`;
  return linkKey ? `${base}#k=${linkKey}` : base;
}

function practiceLocale(practice: Practice): Locale {
  return isLocale(practice.locale) ? practice.locale : 'de';
}

const APPOINTMENT: Record<Locale, string> = { de: 'Termin', da: 'Tid', en: 'Appointment' };

/**
 * Calendar entries sync to phones and shared accounts, so they say "Appointment" and name neither the type nor, unless
 * the practice opted in, the practice (whose name may say "Psychotherapie"); the organiser is then the platform.
 */
async function calendarEvent(
  deps: Deps,
  practice: Practice,
  appointment: NoticeAppointment,
  method: 'REQUEST' | 'CANCEL',
  locale: Locale,
  attendee?: { name: string; email: string },
) {
  const title = practice.nameInSubjects ? `${APPOINTMENT[locale]} – ${practice.name}` : APPOINTMENT[locale];
  const platform = { name: 'Praxisraum', email: deps.config.MAIL_FROM.replace(/^.*<|>$/g, '') };
  return appointmentIcs({
    uid: await calendarUid(deps.config.JOIN_TOKEN_SECRET, appointment.id),
    sequence: appointment.sequence,
    method,
    start: appointment.start,
    end: appointment.end,
    stamp: deps.now(),
    title,
    description: title,
    organizer: practice.nameInSubjects ? { name: practice.name, email: practice.contactEmail || platform.email } : platform,
    ...(attendee ? { attendee } : {}),
  });
}

async function noticeToTherapist(deps: Deps, practice: Practice, event: 'booked' | 'cancelled' | 'rescheduled', start: number) {
  const owner = await deps.db.query.users.findFirst({ where: and(eq(users.practiceId, practice.id), eq(users.role, 'therapist')) });
  if (!owner) return;
  const email = therapistBookingNoticeEmail(
    { event, start, timeZone: practice.timeZone, dashboardUrl: `${deps.config.APP_ORIGIN}/dashboard` },
    practiceLocale(practice),
  );
  await deliverQuietly(deps, { to: owner.email, ...email });
}

export async function notifyBooked(
  deps: Deps,
  input: {
    practice: Practice;
    type: AppointmentType;
    appointment: NoticeAppointment;
    client: { name: string; email: string | null; restricted?: boolean };
    manageToken: string;
    accessCode: string | undefined;
    linkKey?: string | undefined;
    locale: Locale;
    event?: 'booked' | 'rescheduled';
  },
) {
  const { practice, type, appointment, client } = input;
  // No email while processing is restricted (Art. 18 GDPR).
  if (client.email && !client.restricted) {
    const clientEmail = client.email;
    const manage = manageUrl(deps, input.manageToken);
    const email = bookingConfirmationEmail(
      {
        practiceName: practice.name,
        nameInSubject: practice.nameInSubjects,
        therapistName: (await deps.db.query.users.findFirst({ where: and(eq(users.practiceId, practice.id), eq(users.role, 'therapist')) }))?.displayName ?? '',
        clientName: client.name,
        start: appointment.start,
        end: appointment.end,
        timeZone: practice.timeZone,
        typeName: type.name,
        mode: type.mode,
        manageUrl: manage,
        withdrawUrl: `${manage}/withdraw`,
        receiptUrl: `${manage}/receipt.json`,
        ...(type.mode === 'video' ? { callUrl: callUrl(deps, appointment.id, input.linkKey) } : {}),
        ...(input.accessCode ? { accessCode: input.accessCode } : {}),
        ics: await calendarEvent(deps, practice, appointment, 'REQUEST', input.locale, { name: client.name, email: clientEmail }),
      },
      input.locale,
    );
    await deliverQuietly(deps, { to: clientEmail, ...email });
  }
  await noticeToTherapist(deps, practice, input.event ?? 'booked', appointment.start);
}

export async function notifyCancelled(
  deps: Deps,
  input: {
    practice: Practice;
    type: AppointmentType;
    appointment: NoticeAppointment;
    client: { name: string; email: string | null; restricted?: boolean };
    reason: 'client' | 'practice' | 'withdrawal';
    locale: Locale;
  },
) {
  const { practice, appointment, client } = input;
  if (client.email && !client.restricted) {
    const clientEmail = client.email;
    const email = bookingCancelledEmail(
      {
        practiceName: practice.name,
        nameInSubject: practice.nameInSubjects,
        clientName: client.name,
        start: appointment.start,
        timeZone: practice.timeZone,
        reason: input.reason,
        ics: await calendarEvent(deps, practice, appointment, 'CANCEL', input.locale, { name: client.name, email: clientEmail }),
      },
      input.locale,
    );
    await deliverQuietly(deps, { to: clientEmail, ...email });
  }
  await noticeToTherapist(deps, practice, 'cancelled', appointment.start);
}
