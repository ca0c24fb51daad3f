import { formatDateTime, type Locale } from '../workers/domain/locale';
import { type Paragraph, plainText } from './booking-parts';
import { htmlDocument, type RenderedEmail } from './render';

type BookingEvent = 'booked' | 'cancelled' | 'rescheduled';
type Data = { event: BookingEvent; start: number; timeZone: string; dashboardUrl: string };

type Copy = {
  subject: Record<BookingEvent, string>;
  event: Record<BookingEvent, string>;
  privacy: string;
  dashboard: string;
};

const COPY: Record<Locale, (d: Data, when: string) => Copy> = {
  en: (d, when) => ({
    subject: { booked: `New booking: ${when}`, cancelled: `Cancelled: ${when}`, rescheduled: `Moved: ${when}` },
    event: {
      booked: `An appointment on ${when} (time zone ${d.timeZone}) has been booked.`,
      cancelled: `The appointment on ${when} (time zone ${d.timeZone}) has been cancelled.`,
      rescheduled: `An appointment has been moved to ${when} (time zone ${d.timeZone}).`,
    },
    privacy: 'This email leaves out who booked and for what; the details are in your dashboard.',
    dashboard: 'Open the dashboard',
  }),
  de: (d, when) => ({
    subject: { booked: `Neue Buchung: ${when}`, cancelled: `Abgesagt: ${when}`, rescheduled: `Verschoben: ${when}` },
    event: {
      booked: `Ein Termin am ${when} (Zeitzone ${d.timeZone}) wurde gebucht.`,
      cancelled: `Der Termin am ${when} (Zeitzone ${d.timeZone}) wurde abgesagt.`,
      rescheduled: `Ein Termin wurde auf ${when} (Zeitzone ${d.timeZone}) verschoben.`,
    },
    privacy: 'Wer wofür gebucht hat, steht nicht in dieser E-Mail; die Einzelheiten finden Sie im Dashboard.',
    dashboard: 'Dashboard öffnen',
  }),
  da: (d, when) => ({
    subject: { booked: `Ny booking: ${when}`, cancelled: `Aflyst: ${when}`, rescheduled: `Flyttet: ${when}` },
    event: {
      booked: `En tid ${when} (tidszone ${d.timeZone}) er blevet booket.`,
      cancelled: `Tiden ${when} (tidszone ${d.timeZone}) er blevet aflyst.`,
      rescheduled: `En tid er blevet flyttet til ${when} (tidszone ${d.timeZone}).`,
    },
    privacy: 'Denne e-mail nævner ikke, hvem der har booket hvad; detaljerne finder du i dashboardet.',
    dashboard: 'Åbn dashboardet',
  }),
};

/**
 * Deliberately carries no client name, address, appointment type or anything else health-related (data minimisation, Art. 5(1)(c) GDPR):
 * email passes through providers outside the practice's control, the dashboard does not.
 */
export function therapistBookingNoticeEmail(data: Data, locale: Locale): RenderedEmail {
  const copy = COPY[locale](data, formatDateTime(data.start, locale, data.timeZone));
  const subject = copy.subject[data.event];
  const paragraphs: Paragraph[] = [
    copy.event[data.event],
    copy.privacy,
    { link: data.dashboardUrl, label: copy.dashboard },
  ];
  return { subject, text: plainText(paragraphs), html: htmlDocument(locale, subject, paragraphs), attachments: [] };
}
