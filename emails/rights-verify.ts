import type { RIGHTS_TYPES } from '../db/schema/rights-requests';
import { rightsTypeLabel } from '../web/i18n/rights';
import type { Locale } from '../workers/domain/locale';
import { type Paragraph, plainText } from './booking-parts';
import { htmlDocument, type RenderedEmail } from './render';

type Data = { link: string; practiceName: string; hours: number; types: readonly (typeof RIGHTS_TYPES)[number][] };

const COPY: Record<Locale, (d: Data) => { subject: string; intro: string; asked: string; action: string; ignore: string }> = {
  en: (d) => ({
    subject: 'Confirm your data-protection request',
    intro: `We received a data-protection request to ${d.practiceName} under this email address. Please confirm that it comes from you: the link works once, for ${d.hours} hours.`,
    asked: 'The request asks for:',
    action: 'Confirm the request',
    ignore: 'If you did not make this request, ignore this email: nothing happens without your confirmation.',
  }),
  de: (d) => ({
    subject: 'Bitte bestätigen Sie Ihre Datenschutzanfrage',
    intro: `Unter dieser E-Mail-Adresse ist eine Datenschutzanfrage an ${d.practiceName} eingegangen. Bitte bestätigen Sie, dass sie von Ihnen stammt: Der Link gilt einmal und ${d.hours} Stunden lang.`,
    asked: 'Die Anfrage betrifft:',
    action: 'Anfrage bestätigen',
    ignore: 'Falls Sie diese Anfrage nicht gestellt haben, ignorieren Sie diese E-Mail: Ohne Ihre Bestätigung geschieht nichts.',
  }),
  da: (d) => ({
    subject: 'Bekræft din anmodning om databeskyttelse',
    intro: `Vi har modtaget en anmodning om databeskyttelse til ${d.practiceName} under denne e-mailadresse. Bekræft venligst, at den kommer fra dig: Linket virker én gang i ${d.hours} timer.`,
    asked: 'Anmodningen gælder:',
    action: 'Bekræft anmodningen',
    ignore: 'Hvis du ikke har sendt denne anmodning, kan du se bort fra denne e-mail: Der sker intet uden din bekræftelse.',
  }),
};

/** The single-use link proving the requester controls the address the practice has on file (Art. 12(6) GDPR). */
export function rightsVerifyEmail(data: Data, locale: Locale): RenderedEmail {
  const copy = COPY[locale](data);
  const paragraphs: Paragraph[] = [
    copy.intro,
    `${copy.asked} ${data.types.map((type) => rightsTypeLabel(locale, type)).join('; ')}`,
    { link: data.link, label: copy.action },
    copy.ignore,
  ];
  return { subject: copy.subject, text: plainText(paragraphs), html: htmlDocument(locale, copy.subject, paragraphs), attachments: [] };
}
