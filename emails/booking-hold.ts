import { formatDateTime, type Locale } from '../workers/domain/locale';
import { type Paragraph, plainText } from './booking-parts';
import { htmlDocument, type RenderedEmail } from './render';

type Data = { practiceName: string; start: number; timeZone: string; link: string; minutes: number };

type Copy = { subject: string; intro: string; action: string; expiry: string; ignore: string };

// The address is not proven yet, so the mail says as little as it can: no name typed, no type of appointment, and a
// subject without the practice's name (which may name the treatment).
const COPY: Record<Locale, (d: Data, when: string) => Copy> = {
  en: (d, when) => ({
    subject: 'Please confirm your booking',
    intro: `Someone asked to book an appointment with ${d.practiceName} on ${when} with this email address. Please confirm that it was you.`,
    action: 'Confirm the booking',
    expiry: `The time is held for you for ${d.minutes} minutes; the link works once.`,
    ignore: 'If you did not book, ignore this email: the time is released and nothing is stored about you.',
  }),
  de: (d, when) => ({
    subject: 'Bitte bestätigen Sie Ihre Buchung',
    intro: `Mit dieser E-Mail-Adresse wurde ein Termin bei ${d.practiceName} am ${when} angefragt. Bitte bestätigen Sie, dass Sie das waren.`,
    action: 'Buchung bestätigen',
    expiry: `Die Zeit ist ${d.minutes} Minuten für Sie reserviert; der Link gilt einmal.`,
    ignore: 'Falls Sie nicht gebucht haben, ignorieren Sie diese E-Mail: Die Zeit wird wieder frei, und über Sie wird nichts gespeichert.',
  }),
  da: (d, when) => ({
    subject: 'Bekræft venligst din booking',
    intro: `Med denne e-mailadresse er der bedt om en tid hos ${d.practiceName} den ${when}. Bekræft venligst, at det var dig.`,
    action: 'Bekræft bookingen',
    expiry: `Tiden er reserveret til dig i ${d.minutes} minutter; linket virker én gang.`,
    ignore: 'Hvis du ikke har booket, kan du se bort fra denne e-mail: Tiden bliver frigivet, og der gemmes intet om dig.',
  }),
};

/** The single-use link that proves the booker controls the typed address before anything is booked in its name. */
export function bookingHoldEmail(data: Data, locale: Locale): RenderedEmail {
  const copy = COPY[locale](data, formatDateTime(data.start, locale, data.timeZone));
  const paragraphs: Paragraph[] = [copy.intro, { link: data.link, label: copy.action }, copy.expiry, copy.ignore];
  return { subject: copy.subject, text: plainText(paragraphs), html: htmlDocument(locale, copy.subject, paragraphs), attachments: [] };
}
