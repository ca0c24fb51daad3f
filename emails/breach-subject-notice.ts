import type { Locale } from '../workers/domain/locale';
import { categoryList, renderBlocks, type IncidentFacts } from './breach-notice';
import type { RenderedEmail } from './render';

// Art. 34 GDPR: when a breach is likely to result in a high risk, the controller (the practice) tells the people
// concerned in clear and plain language, with at least the information of Art. 33(3)(b)–(d). The platform drafts it;
// the practice checks it and decides whether and how to send it. Without a practice the placeholders stay in brackets.

export type SubjectNoticeData = {
  incident: Pick<IncidentFacts, 'nature' | 'dataCategories' | 'subjectCategories' | 'consequences' | 'measures' | 'contact'>;
  practice?: { name: string; contactEmail: string } | undefined;
};

type Copy = {
  subject: string;
  placeholderName: string;
  placeholderContact: string;
  intro: (practice: string) => string;
  what: string;
  which: string;
  meaning: string;
  done: string;
  youCan: string;
  advice: string;
  questions: string;
  contact: (practice: string, contact: string, dpo: string) => string;
  complaint: string;
};

const COPY: Record<Locale, Copy> = {
  en: {
    subject: 'Information about a data-protection incident concerning your data',
    placeholderName: '[name of the practice]',
    placeholderContact: '[contact of the practice]',
    intro: (practice) => `${practice} uses the online service Praxisraum for appointments. We must tell you about an incident in which your personal data may have been affected (Art. 34 GDPR).`,
    what: 'What happened',
    which: 'Which data',
    meaning: 'What this can mean for you',
    done: 'What has been done',
    youCan: 'What you can do',
    advice: 'Be careful with unexpected emails, messages or calls that mention your appointments or treatment. Do not give anyone passwords or codes. If you notice anything unusual, tell us.',
    questions: 'Questions',
    contact: (practice, contact, dpo) => `Contact ${practice} at ${contact}. The data-protection officer of Praxisraum can be reached at ${dpo}.`,
    complaint: 'You also have the right to lodge a complaint with a data-protection supervisory authority (Art. 77 GDPR).',
  },
  de: {
    subject: 'Information über einen Datenschutzvorfall, der Ihre Daten betrifft',
    placeholderName: '[Name der Praxis]',
    placeholderContact: '[Kontakt der Praxis]',
    intro: (practice) => `${practice} nutzt für Termine den Online-Dienst Praxisraum. Wir müssen Sie über einen Vorfall informieren, bei dem Ihre personenbezogenen Daten betroffen sein können (Art. 34 DSGVO).`,
    what: 'Was ist passiert',
    which: 'Welche Daten',
    meaning: 'Was das für Sie bedeuten kann',
    done: 'Was unternommen wurde',
    youCan: 'Was Sie tun können',
    advice: 'Seien Sie vorsichtig bei unerwarteten E-Mails, Nachrichten oder Anrufen, die Ihre Termine oder Ihre Behandlung erwähnen. Geben Sie niemandem Passwörter oder Codes. Wenn Ihnen etwas Ungewöhnliches auffällt, sagen Sie uns Bescheid.',
    questions: 'Fragen',
    contact: (practice, contact, dpo) => `Sie erreichen ${practice} unter ${contact}. Den/die Datenschutzbeauftragte/n von Praxisraum erreichen Sie unter ${dpo}.`,
    complaint: 'Sie haben außerdem das Recht, sich bei einer Datenschutz-Aufsichtsbehörde zu beschweren (Art. 77 DSGVO).',
  },
  da: {
    subject: 'Information om en databeskyttelseshændelse, der vedrører dine oplysninger',
    placeholderName: '[praksissens navn]',
    placeholderContact: '[praksissens kontakt]',
    intro: (practice) => `${practice} bruger onlinetjenesten Praxisraum til tidsbestilling. Vi skal fortælle dig om en hændelse, hvor dine personoplysninger kan være berørt (art. 34 i databeskyttelsesforordningen).`,
    what: 'Hvad skete der',
    which: 'Hvilke oplysninger',
    meaning: 'Hvad det kan betyde for dig',
    done: 'Hvad der er gjort',
    youCan: 'Hvad du kan gøre',
    advice: 'Vær forsigtig med uventede e-mails, beskeder eller opkald, der nævner dine tider eller din behandling. Giv aldrig nogen adgangskoder eller koder. Hvis du bemærker noget usædvanligt, så sig det til os.',
    questions: 'Spørgsmål',
    contact: (practice, contact, dpo) => `Du kan kontakte ${practice} på ${contact}. Praxisraums databeskyttelsesrådgiver kan kontaktes på ${dpo}.`,
    complaint: 'Du har også ret til at klage til en databeskyttelsesmyndighed (art. 77).',
  },
};

export function breachSubjectNoticeEmail(data: SubjectNoticeData, locale: Locale): RenderedEmail {
  const copy = COPY[locale];
  const { incident } = data;
  const name = data.practice?.name || copy.placeholderName;
  const contact = data.practice?.contactEmail || copy.placeholderContact;
  const categories = categoryList(locale, incident.dataCategories, incident.subjectCategories);
  const rendered = renderBlocks(locale, copy.subject, [
    { lines: [copy.intro(name)] },
    { heading: copy.what, lines: [incident.nature] },
    { heading: copy.which, lines: [categories.data] },
    { heading: copy.meaning, lines: [incident.consequences] },
    { heading: copy.done, lines: [incident.measures] },
    { heading: copy.youCan, lines: [copy.advice] },
    { heading: copy.questions, lines: [copy.contact(name, contact, incident.contact), copy.complaint] },
  ]);
  return { subject: copy.subject, ...rendered, attachments: [] };
}
