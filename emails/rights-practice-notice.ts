import type { RIGHTS_TYPES } from '../db/schema/rights-requests';
import { formatDueDate, rightsTypeLabel } from '../web/i18n/rights';
import type { Locale } from '../workers/domain/locale';
import { type Paragraph, plainText } from './booking-parts';
import { htmlDocument, type RenderedEmail } from './render';

type Data = { types: readonly (typeof RIGHTS_TYPES)[number][]; dueAt: number; timeZone: string; link: string };

const COPY: Record<Locale, (due: string) => { subject: string; intro: string; asked: string; due: string; privacy: string; action: string }> = {
  en: (due) => ({
    subject: 'A data-protection request concerns one of your clients',
    intro: 'A data-protection request about one of your clients has been confirmed. The platform’s data-protection officer handles it.',
    asked: 'Requested:',
    due: `Deadline: ${due}.`,
    privacy: 'This email leaves out who made the request; the details are in your dashboard, where you can comment.',
    action: 'Open the requests',
  }),
  de: (due) => ({
    subject: 'Eine Datenschutzanfrage betrifft eine Ihrer Klient:innen',
    intro: 'Eine Datenschutzanfrage zu einer Ihrer Klient:innen wurde bestätigt. Der Datenschutzbeauftragte der Plattform bearbeitet sie.',
    asked: 'Anliegen:',
    due: `Frist: ${due}.`,
    privacy: 'Wer die Anfrage gestellt hat, steht nicht in dieser E-Mail; die Einzelheiten finden Sie im Dashboard, wo Sie kommentieren können.',
    action: 'Anfragen öffnen',
  }),
  da: (due) => ({
    subject: 'En anmodning om databeskyttelse vedrører en af dine klienter',
    intro: 'En anmodning om databeskyttelse vedrørende en af dine klienter er bekræftet. Platformens databeskyttelsesrådgiver behandler den.',
    asked: 'Ønsker:',
    due: `Frist: ${due}.`,
    privacy: 'Denne e-mail nævner ikke, hvem der har sendt anmodningen; detaljerne og muligheden for at kommentere finder du i dashboardet.',
    action: 'Åbn anmodningerne',
  }),
};

/** To the practice's therapist: the kinds of request and the deadline only, no name or address (Art. 5(1)(c) GDPR). */
export function rightsPracticeNoticeEmail(data: Data, locale: Locale): RenderedEmail {
  const copy = COPY[locale](formatDueDate(data.dueAt, locale, data.timeZone));
  const paragraphs: Paragraph[] = [
    copy.intro,
    `${copy.asked} ${data.types.map((type) => rightsTypeLabel(locale, type)).join('; ')}`,
    copy.due,
    copy.privacy,
    { link: data.link, label: copy.action },
  ];
  return { subject: copy.subject, text: plainText(paragraphs), html: htmlDocument(locale, copy.subject, paragraphs), attachments: [] };
}
