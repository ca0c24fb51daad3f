import { formatDateTime, type Locale } from '../workers/domain/locale';
import { calendarAttachment, type Paragraph, plainText, subjectLine } from './booking-parts';
import { htmlDocument, type RenderedEmail } from './render';

type Reason = 'client' | 'practice' | 'withdrawal';
type Data = { practiceName: string; nameInSubject?: boolean; clientName: string; start: number; timeZone: string; reason: Reason; ics: string };

type Copy = { subject: string; greeting: string; reason: Record<Reason, string>; rebook: string; calendar: string };

const COPY: Record<Locale, (d: Data, when: string) => Copy> = {
  en: (d, when) => ({
    subject: subjectLine(`Appointment cancelled: ${when}`, d),
    greeting: `Hello ${d.clientName},`,
    reason: {
      client: `as you asked, your appointment at ${d.practiceName} on ${when} (time zone ${d.timeZone}) is cancelled.`,
      practice: `${d.practiceName} has had to cancel your appointment on ${when} (time zone ${d.timeZone}).`,
      withdrawal: `because you withdrew your consent, your appointment at ${d.practiceName} on ${when} (time zone ${d.timeZone}) is cancelled.`,
    },
    rebook: 'You are welcome to book a new appointment at any time.',
    calendar: 'The attached file removes the appointment from your calendar.',
  }),
  de: (d, when) => ({
    subject: subjectLine(`Termin abgesagt: ${when}`, d),
    greeting: `Guten Tag ${d.clientName},`,
    reason: {
      client: `wie gewünscht ist Ihr Termin bei ${d.practiceName} am ${when} (Zeitzone ${d.timeZone}) abgesagt.`,
      practice: `${d.practiceName} musste Ihren Termin am ${when} (Zeitzone ${d.timeZone}) leider absagen.`,
      withdrawal: `da Sie Ihre Einwilligung widerrufen haben, ist Ihr Termin bei ${d.practiceName} am ${when} (Zeitzone ${d.timeZone}) abgesagt.`,
    },
    rebook: 'Einen neuen Termin können Sie jederzeit buchen.',
    calendar: 'Mit der angehängten Datei entfernen Sie den Termin aus Ihrem Kalender.',
  }),
  da: (d, when) => ({
    subject: subjectLine(`Tid aflyst: ${when}`, d),
    greeting: `Hej ${d.clientName}`,
    reason: {
      client: `Som ønsket er din tid hos ${d.practiceName} ${when} (tidszone ${d.timeZone}) aflyst.`,
      practice: `${d.practiceName} har desværre måttet aflyse din tid ${when} (tidszone ${d.timeZone}).`,
      withdrawal: `Da du har trukket dit samtykke tilbage, er din tid hos ${d.practiceName} ${when} (tidszone ${d.timeZone}) aflyst.`,
    },
    rebook: 'Du er velkommen til at booke en ny tid når som helst.',
    calendar: 'Med den vedhæftede fil fjerner du tiden fra din kalender.',
  }),
};

export function bookingCancelledEmail(data: Data, locale: Locale): RenderedEmail {
  const copy = COPY[locale](data, formatDateTime(data.start, locale, data.timeZone));
  const paragraphs: Paragraph[] = [copy.greeting, copy.reason[data.reason], copy.rebook, copy.calendar];
  return {
    subject: copy.subject,
    text: plainText(paragraphs),
    html: htmlDocument(locale, copy.subject, paragraphs),
    attachments: [calendarAttachment(data.ics, 'CANCEL')],
  };
}
