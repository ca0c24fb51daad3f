import { formatDateTime, type Locale } from '../workers/domain/locale';
import { type Paragraph, plainText, subjectLine } from './booking-parts';
import { htmlDocument, type RenderedEmail } from './render';

type Data = {
  practiceName: string;
  nameInSubject?: boolean;
  clientName: string;
  start: number;
  timeZone: string;
  manageUrl: string;
  callUrl?: string;
};

type Copy = {
  subject: string;
  greeting: string;
  reminder: string;
  join: string;
  joinLabel: string;
  manage: string;
  manageLabel: string;
};

const COPY: Record<Locale, (d: Data, when: string) => Copy> = {
  en: (d, when) => ({
    subject: subjectLine(`Reminder: your appointment on ${when}`, d),
    greeting: `Hello ${d.clientName},`,
    reminder: `This is a reminder of your appointment at ${d.practiceName} on ${when} (time zone ${d.timeZone}).`,
    join: 'At the booked time, join the video call with this link:',
    joinLabel: 'Join the video call',
    manage: 'To cancel or reschedule, or to stop these reminders, use this link:',
    manageLabel: 'Manage your appointment',
  }),
  de: (d, when) => ({
    subject: subjectLine(`Erinnerung: Ihr Termin am ${when}`, d),
    greeting: `Guten Tag ${d.clientName},`,
    reminder: `wir erinnern Sie an Ihren Termin bei ${d.practiceName} am ${when} (Zeitzone ${d.timeZone}).`,
    join: 'Zur gebuchten Zeit nehmen Sie über diesen Link am Videogespräch teil:',
    joinLabel: 'Zum Videogespräch',
    manage: 'Absagen, verschieben oder diese Erinnerungen abbestellen können Sie über diesen Link:',
    manageLabel: 'Termin verwalten',
  }),
  da: (d, when) => ({
    subject: subjectLine(`Påmindelse: din tid ${when}`, d),
    greeting: `Hej ${d.clientName}`,
    reminder: `Vi minder dig om din tid hos ${d.practiceName} ${when} (tidszone ${d.timeZone}).`,
    join: 'På det bookede tidspunkt deltager du i videosamtalen via dette link:',
    joinLabel: 'Gå til videosamtalen',
    manage: 'Du kan aflyse eller flytte tiden eller framelde disse påmindelser via dette link:',
    manageLabel: 'Administrer din tid',
  }),
};

/** Sent only while the client's consent to reminders is active; the manage page is where they switch them off. */
export function bookingReminderEmail(data: Data, locale: Locale): RenderedEmail {
  const copy = COPY[locale](data, formatDateTime(data.start, locale, data.timeZone));
  const paragraphs: Paragraph[] = [
    copy.greeting,
    copy.reminder,
    ...(data.callUrl ? [copy.join, { link: data.callUrl, label: copy.joinLabel }] : []),
    copy.manage,
    { link: data.manageUrl, label: copy.manageLabel },
  ];
  return {
    subject: copy.subject,
    text: plainText(paragraphs),
    html: htmlDocument(locale, copy.subject, paragraphs),
    attachments: [],
  };
}
