import { formatDueDate } from '../web/i18n/rights';
import type { Jurisdiction } from '../workers/domain/jurisdiction';
import { LEGAL_BASIS, RECORD_KEEPING_YEARS } from '../workers/domain/erasure-rules';
import type { Locale } from '../workers/domain/locale';
import { type Paragraph, plainText } from './booking-parts';
import { htmlDocument, type RenderedEmail } from './render';

/** What the data-protection officer tells the subject of a request. */
export type RightsAnswer =
  | { kind: 'extension'; dueAt: number; timeZone: string; reason: string }
  | { kind: 'download'; url: string; expiresAt: number; timeZone: string }
  | { kind: 'erased' }
  | { kind: 'restricted'; legalBasis: string }
  | { kind: 'rejected'; reason: string }
  | { kind: 'message'; message: string };

type Copy = { subject: string; body: Paragraph[]; remedy: string; signature: string };

const REMEDY: Record<Locale, string> = {
  en: 'You may lodge a complaint with a data-protection supervisory authority (Art. 77 GDPR) and seek a judicial remedy (Art. 79 GDPR).',
  de: 'Sie können sich bei einer Datenschutz-Aufsichtsbehörde beschweren (Art. 77 DSGVO) und einen gerichtlichen Rechtsbehelf einlegen (Art. 79 DSGVO).',
  da: 'Du kan klage til en databeskyttelsesmyndighed (art. 77 i GDPR) og indbringe sagen for domstolene (art. 79 i GDPR).',
};

const STATUTE: Record<Jurisdiction, string> = { DE: 'BGB § 630f', DK: 'Journalføringsbekendtgørelsen § 15' };
const YEARS: Record<Locale, string> = { en: 'years', de: 'Jahre', da: 'år' };

/** The statute and its period in the reader's language; the trail keeps LEGAL_BASIS's English wording. */
function legalBasisIn(locale: Locale, legalBasis: string): string {
  const jurisdiction = (['DE', 'DK'] as const).find((j) => LEGAL_BASIS[j] === legalBasis);
  return jurisdiction ? `${STATUTE[jurisdiction]}: ${RECORD_KEEPING_YEARS} ${YEARS[locale]}` : legalBasis;
}

const SIGNATURE: Record<Locale, (practice: string) => string> = {
  en: (practice) => `The data-protection officer of Praxisraum, for ${practice}`,
  de: (practice) => `Der Datenschutzbeauftragte von Praxisraum, für ${practice}`,
  da: (practice) => `Databeskyttelsesrådgiveren hos Praxisraum, for ${practice}`,
};

function englishCopy(answer: RightsAnswer, practice: string): Pick<Copy, 'subject' | 'body'> {
  switch (answer.kind) {
    case 'extension':
      return {
        subject: 'Your data-protection request: more time needed',
        body: [`We need more time to answer your request to ${practice}. The new deadline is ${formatDueDate(answer.dueAt, 'en', answer.timeZone)} (Art. 12(3) GDPR).`, `Reason: ${answer.reason}`],
      };
    case 'download':
      return {
        subject: `Your data from ${practice}`,
        body: [`Your data from ${practice} is ready. The link works once, until ${formatDueDate(answer.expiresAt, 'en', answer.timeZone)}.`, { link: answer.url, label: 'Download your data' }],
      };
    case 'erased':
      return { subject: 'Your data has been erased', body: [`Your data at ${practice} has been erased (Art. 17 GDPR). This is the last email we send you about it.`] };
    case 'restricted':
      return {
        subject: 'Your erasure request: data restricted',
        body: [
          `${practice} must keep your treatment record for a period set by law, so it cannot be erased yet (Art. 17(3)(b) GDPR). Legal basis: ${answer.legalBasis}.`,
          'Everything else has been erased. The record is restricted: it is used for nothing but this legal duty, and you are neither booked nor emailed (Art. 18 GDPR).',
        ],
      };
    case 'rejected':
      return { subject: 'Your data-protection request', body: [`We cannot act on your request to ${practice}.`, `Reason: ${answer.reason}`] };
    case 'message':
      return { subject: 'Answer to your data-protection request', body: [answer.message] };
  }
}

function germanCopy(answer: RightsAnswer, practice: string): Pick<Copy, 'subject' | 'body'> {
  switch (answer.kind) {
    case 'extension':
      return {
        subject: 'Ihre Datenschutzanfrage: Wir benötigen mehr Zeit',
        body: [`Für die Antwort auf Ihre Anfrage an ${practice} benötigen wir mehr Zeit. Die neue Frist ist der ${formatDueDate(answer.dueAt, 'de', answer.timeZone)} (Art. 12 Abs. 3 DSGVO).`, `Grund: ${answer.reason}`],
      };
    case 'download':
      return {
        subject: `Ihre Daten bei ${practice}`,
        body: [`Ihre Daten bei ${practice} stehen bereit. Der Link gilt einmal, bis zum ${formatDueDate(answer.expiresAt, 'de', answer.timeZone)}.`, { link: answer.url, label: 'Daten herunterladen' }],
      };
    case 'erased':
      return { subject: 'Ihre Daten wurden gelöscht', body: [`Ihre Daten bei ${practice} wurden gelöscht (Art. 17 DSGVO). Dies ist unsere letzte E-Mail dazu.`] };
    case 'restricted':
      return {
        subject: 'Ihre Löschanfrage: Daten eingeschränkt',
        body: [
          `${practice} muss Ihre Behandlungsdokumentation für eine gesetzlich bestimmte Zeit aufbewahren; sie kann daher noch nicht gelöscht werden (Art. 17 Abs. 3 lit. b DSGVO). Rechtsgrundlage: ${legalBasisIn('de', answer.legalBasis)}.`,
          'Alles Übrige wurde gelöscht. Die Dokumentation ist eingeschränkt: Sie dient nur noch dieser gesetzlichen Pflicht; Sie werden weder gebucht noch angeschrieben (Art. 18 DSGVO).',
        ],
      };
    case 'rejected':
      return { subject: 'Ihre Datenschutzanfrage', body: [`Wir können Ihrer Anfrage an ${practice} nicht nachkommen.`, `Grund: ${answer.reason}`] };
    case 'message':
      return { subject: 'Antwort auf Ihre Datenschutzanfrage', body: [answer.message] };
  }
}

function danishCopy(answer: RightsAnswer, practice: string): Pick<Copy, 'subject' | 'body'> {
  switch (answer.kind) {
    case 'extension':
      return {
        subject: 'Din anmodning om databeskyttelse: Vi har brug for mere tid',
        body: [`Vi har brug for mere tid til at besvare din anmodning til ${practice}. Den nye frist er ${formatDueDate(answer.dueAt, 'da', answer.timeZone)} (art. 12, stk. 3, i GDPR).`, `Begrundelse: ${answer.reason}`],
      };
    case 'download':
      return {
        subject: `Dine oplysninger hos ${practice}`,
        body: [`Dine oplysninger hos ${practice} er klar. Linket virker én gang, indtil ${formatDueDate(answer.expiresAt, 'da', answer.timeZone)}.`, { link: answer.url, label: 'Hent dine oplysninger' }],
      };
    case 'erased':
      return { subject: 'Dine oplysninger er slettet', body: [`Dine oplysninger hos ${practice} er slettet (art. 17 i GDPR). Dette er vores sidste e-mail om det.`] };
    case 'restricted':
      return {
        subject: 'Din anmodning om sletning: oplysninger begrænset',
        body: [
          `${practice} skal opbevare din journal i en lovbestemt periode, så den kan endnu ikke slettes (art. 17, stk. 3, litra b, i GDPR). Retsgrundlag: ${legalBasisIn('da', answer.legalBasis)}.`,
          'Alt andet er slettet. Journalen er begrænset: Den bruges kun til denne lovpligt, og du bliver hverken booket eller kontaktet pr. e-mail (art. 18 i GDPR).',
        ],
      };
    case 'rejected':
      return { subject: 'Din anmodning om databeskyttelse', body: [`Vi kan ikke imødekomme din anmodning til ${practice}.`, `Begrundelse: ${answer.reason}`] };
    case 'message':
      return { subject: 'Svar på din anmodning om databeskyttelse', body: [answer.message] };
  }
}

const COPY: Record<Locale, typeof englishCopy> = { en: englishCopy, de: germanCopy, da: danishCopy };

/**
 * Answers, extension notices and download links to the subject of a request. Rejections and restrictions name the
 * remedies, as Art. 12(4) GDPR requires when the controller does not act on a request.
 */
export function rightsAnswerEmail(data: { practiceName: string; answer: RightsAnswer }, locale: Locale): RenderedEmail {
  const { subject, body } = COPY[locale](data.answer, data.practiceName);
  const remedy = data.answer.kind === 'rejected' || data.answer.kind === 'restricted' ? [REMEDY[locale]] : [];
  const paragraphs: Paragraph[] = [...body, ...remedy, SIGNATURE[locale](data.practiceName)];
  return { subject, text: plainText(paragraphs), html: htmlDocument(locale, subject, paragraphs), attachments: [] };
}
