import { DATA_CATEGORY_LABELS, SUBJECT_CATEGORY_LABELS, categoryLabel } from '../web/i18n/incidents';
import { formatUtc, type SupervisoryAuthority } from '../workers/domain/breach';
import { formatDateTime, intlTag, type Locale } from '../workers/domain/locale';
import type { EmailAttachment } from '../workers/services/mailer';
import { base64Utf8, escapeHtml, type RenderedEmail } from './render';

// The platform, as processor, tells a practice (the controller) of a breach without undue delay (Art. 33(2) GDPR),
// with what Art. 33(3) asks for and a draft the practice can complete and submit to its supervisory authority. The
// incident's free text is quoted as the DPO wrote it; everything around it is in the practice's language.

export type IncidentFacts = {
  awareAt: number;
  nature: string;
  dataCategories: string[];
  subjectCategories: string[];
  approxSubjects: number;
  approxRecords: number;
  consequences: string;
  measures: string;
  contact: string;
  highRisk: boolean;
};

export type BreachNoticeData = {
  /** The first notice, or one carrying updates the practice has not received yet. */
  kind: 'initial' | 'update';
  reference: string;
  practice: { name: string; timeZone: string; contactEmail: string };
  incident: IncidentFacts;
  /** initial: every update so far; update: the new ones only. */
  updates: { at: number; text: string }[];
  deadline: number;
  authority: SupervisoryAuthority;
  /** Plain text of the Art. 34 notice for the practice to forward; attached when the incident is high risk. */
  subjectNotice?: string | undefined;
};

/** A titled group of lines: a heading, then one paragraph with a line break between the lines. */
export type Block = { heading?: string; lines: string[] };

export function renderBlocks(locale: Locale, title: string, blocks: Block[]): { text: string; html: string } {
  const text = blocks.map((b) => [...(b.heading ? [b.heading.toUpperCase()] : []), ...b.lines].join('\n')).join('\n\n');
  const body = blocks
    .map((b) => `${b.heading ? `<h2>${escapeHtml(b.heading)}</h2>\n` : ''}${b.lines.length ? `<p>${b.lines.map(escapeHtml).join('<br>\n')}</p>` : ''}`)
    .join('\n');
  const html = `<!doctype html><html lang="${escapeHtml(locale)}"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>\n${body}\n</body></html>`;
  return { text: `${text}\n`, html };
}

export function categoryList(locale: Locale, data: string[], subjects: string[]): { data: string; subjects: string } {
  return {
    data: data.map((key) => categoryLabel(DATA_CATEGORY_LABELS[locale], key)).join('; '),
    subjects: subjects.map((key) => categoryLabel(SUBJECT_CATEGORY_LABELS[locale], key)).join('; '),
  };
}

type Copy = {
  subject: (kind: 'initial' | 'update', ref: string, practice: string) => string;
  intro: (kind: 'initial' | 'update', ref: string) => string;
  breach: string;
  nature: string;
  awareAt: string;
  dataCategories: string;
  subjectCategories: string;
  approx: (people: string, records: string) => string;
  consequences: string;
  measures: string;
  contact: string;
  updates: string;
  duty: string;
  dutyText: (deadline: string) => string;
  highRisk: string;
  attachment: string;
  draft: string;
  draftIntro: string;
  to: string;
  germanAuthority: string;
  draftTitle: string;
  controller: (name: string, contact: string) => string;
  processor: (contact: string) => string;
  awareness: (at: string) => string;
  a: string;
  aPeople: string;
  aRecords: string;
  b: (contact: string) => string;
  c: string;
  d: string;
  art34: string;
  delay: string;
  deadline: (at: string) => string;
};

const COPY: Record<Locale, Copy> = {
  en: {
    subject: (kind, ref, practice) => (kind === 'initial' ? `Personal data breach: information for ${practice} (ref. ${ref})` : `Update on the personal data breach ref. ${ref} for ${practice}`),
    intro: (kind, ref) =>
      kind === 'initial'
        ? 'Praxisraum processes personal data on behalf of your practice (Art. 28 GDPR). We are informing you without undue delay of a personal data breach that may concern your practice’s data (Art. 33(2) GDPR).'
        : `We have further information on the personal data breach ref. ${ref}. Information may be provided in phases (Art. 33(4) GDPR).`,
    breach: 'The breach',
    nature: 'What happened',
    awareAt: 'We became aware on',
    dataCategories: 'Categories of personal data',
    subjectCategories: 'Categories of people concerned',
    approx: (people, records) => `Approximate numbers, across all affected practices: about ${people} people and ${records} records`,
    consequences: 'Likely consequences',
    measures: 'Measures taken or proposed',
    contact: 'Contact for more information',
    updates: 'Updates',
    duty: 'What your practice needs to do',
    dutyText: (deadline) =>
      `As the controller, your practice decides whether to notify its supervisory authority. A breach must be notified within 72 hours of becoming aware of it unless it is unlikely to result in a risk to people’s rights and freedoms (Art. 33(1) GDPR). Counted from when we became aware, the deadline is ${deadline}. Document the breach in any case (Art. 33(5)).`,
    highRisk: 'We consider the risk to the people concerned to be high. They must then be informed without undue delay as well (Art. 34 GDPR). Attached is a plain-language notice you can check, adapt and forward.',
    attachment: 'notice-to-people-concerned.txt',
    draft: 'DRAFT: notification to the supervisory authority',
    draftIntro: 'Check and complete this draft, then submit it yourself; most authorities offer an online form. Fill in the text in [brackets].',
    to: 'To',
    germanAuthority: 'The data-protection authority of your federal state (Landesdatenschutzbehörde). Choose the authority of the state in which your practice is established:',
    draftTitle: 'Notification of a personal data breach (Art. 33 GDPR)',
    controller: (name, contact) => `Controller: ${name}, ${contact}`,
    processor: (contact) => `Processor at which the breach occurred: Praxisraum, contact ${contact}`,
    awareness: (at) => `The controller became aware on: [date and time you received this notice]. The processor became aware on ${at}.`,
    a: '(a) Nature of the breach',
    aPeople: 'Categories and approximate number of people concerned',
    aRecords: 'Categories and approximate number of personal data records concerned',
    b: (contact) => `(b) Data-protection officer or other contact point: [name and contact details]; the processor’s contact: ${contact}`,
    c: '(c) Likely consequences',
    d: '(d) Measures taken or proposed, including measures to mitigate possible adverse effects',
    art34: 'Communication to the people concerned (Art. 34): [done on … / planned for … / not required because …]',
    delay: 'If notified after more than 72 hours, the reasons for the delay: [ … ]',
    deadline: (at) => `Deadline (72 hours, counted from the processor’s awareness): ${at}`,
  },
  de: {
    subject: (kind, ref, practice) => (kind === 'initial' ? `Datenschutzverletzung: Information für ${practice} (Az. ${ref})` : `Nachtrag zur Datenschutzverletzung Az. ${ref} für ${practice}`),
    intro: (kind, ref) =>
      kind === 'initial'
        ? 'Praxisraum verarbeitet personenbezogene Daten im Auftrag Ihrer Praxis (Art. 28 DSGVO). Wir informieren Sie unverzüglich über eine Verletzung des Schutzes personenbezogener Daten, die Daten Ihrer Praxis betreffen kann (Art. 33 Abs. 2 DSGVO).'
        : `Wir haben weitere Informationen zur Datenschutzverletzung Az. ${ref}. Informationen dürfen schrittweise folgen (Art. 33 Abs. 4 DSGVO).`,
    breach: 'Die Verletzung',
    nature: 'Was ist passiert',
    awareAt: 'Uns bekannt geworden am',
    dataCategories: 'Kategorien personenbezogener Daten',
    subjectCategories: 'Kategorien betroffener Personen',
    approx: (people, records) => `Ungefähre Zahlen über alle betroffenen Praxen: etwa ${people} Personen und ${records} Datensätze`,
    consequences: 'Wahrscheinliche Folgen',
    measures: 'Ergriffene oder vorgeschlagene Maßnahmen',
    contact: 'Kontakt für weitere Informationen',
    updates: 'Nachträge',
    duty: 'Was Ihre Praxis tun muss',
    dutyText: (deadline) =>
      `Als Verantwortliche entscheidet Ihre Praxis, ob sie ihre Aufsichtsbehörde benachrichtigt. Eine Verletzung ist binnen 72 Stunden, nachdem sie bekannt wurde, zu melden, es sei denn, sie führt voraussichtlich nicht zu einem Risiko für die Rechte und Freiheiten der Betroffenen (Art. 33 Abs. 1 DSGVO). Gerechnet ab unserer Kenntnis endet die Frist am ${deadline}. Dokumentieren Sie die Verletzung in jedem Fall (Art. 33 Abs. 5).`,
    highRisk: 'Wir schätzen das Risiko für die Betroffenen als hoch ein. Dann sind auch sie unverzüglich zu benachrichtigen (Art. 34 DSGVO). Im Anhang finden Sie eine Benachrichtigung in einfacher Sprache, die Sie prüfen, anpassen und weitergeben können.',
    attachment: 'benachrichtigung-betroffene.txt',
    draft: 'ENTWURF: Meldung an die Aufsichtsbehörde',
    draftIntro: 'Prüfen und ergänzen Sie diesen Entwurf und reichen Sie ihn selbst ein; die meisten Behörden bieten ein Online-Formular. Ergänzen Sie den Text in [Klammern].',
    to: 'An',
    germanAuthority: 'Die Datenschutzaufsichtsbehörde Ihres Bundeslandes (Landesdatenschutzbehörde). Wählen Sie die Behörde des Landes, in dem Ihre Praxis niedergelassen ist:',
    draftTitle: 'Meldung einer Verletzung des Schutzes personenbezogener Daten (Art. 33 DSGVO)',
    controller: (name, contact) => `Verantwortliche Stelle: ${name}, ${contact}`,
    processor: (contact) => `Auftragsverarbeiter, bei dem die Verletzung eintrat: Praxisraum, Kontakt ${contact}`,
    awareness: (at) => `Kenntnis der Verantwortlichen am: [Datum und Uhrzeit des Eingangs dieser Mitteilung]. Kenntnis des Auftragsverarbeiters am ${at}.`,
    a: 'a) Art der Verletzung',
    aPeople: 'Kategorien und ungefähre Zahl der betroffenen Personen',
    aRecords: 'Kategorien und ungefähre Zahl der betroffenen personenbezogenen Datensätze',
    b: (contact) => `b) Datenschutzbeauftragte/r oder sonstige Anlaufstelle: [Name und Kontaktdaten]; Kontakt des Auftragsverarbeiters: ${contact}`,
    c: 'c) Wahrscheinliche Folgen',
    d: 'd) Ergriffene oder vorgeschlagene Maßnahmen, einschließlich Maßnahmen zur Abmilderung möglicher nachteiliger Auswirkungen',
    art34: 'Benachrichtigung der Betroffenen (Art. 34): [erfolgt am … / geplant für … / nicht erforderlich, weil …]',
    delay: 'Bei Meldung nach mehr als 72 Stunden die Gründe für die Verzögerung: [ … ]',
    deadline: (at) => `Frist (72 Stunden ab Kenntnis des Auftragsverarbeiters): ${at}`,
  },
  da: {
    subject: (kind, ref, practice) => (kind === 'initial' ? `Brud på persondatasikkerheden: information til ${practice} (ref. ${ref})` : `Opdatering om bruddet på persondatasikkerheden ref. ${ref} til ${practice}`),
    intro: (kind, ref) =>
      kind === 'initial'
        ? 'Praxisraum behandler personoplysninger på vegne af jeres praksis (art. 28 i databeskyttelsesforordningen). Vi underretter jer uden unødig forsinkelse om et brud på persondatasikkerheden, som kan vedrøre jeres praksis’ oplysninger (art. 33, stk. 2).'
        : `Vi har yderligere oplysninger om bruddet på persondatasikkerheden ref. ${ref}. Oplysninger kan gives trinvis (art. 33, stk. 4).`,
    breach: 'Bruddet',
    nature: 'Hvad skete der',
    awareAt: 'Vi blev bekendt med det',
    dataCategories: 'Kategorier af personoplysninger',
    subjectCategories: 'Kategorier af berørte personer',
    approx: (people, records) => `Omtrentlige tal for alle berørte praksisser: ca. ${people} personer og ${records} registreringer`,
    consequences: 'Sandsynlige konsekvenser',
    measures: 'Trufne eller foreslåede foranstaltninger',
    contact: 'Kontakt for yderligere oplysninger',
    updates: 'Opdateringer',
    duty: 'Hvad jeres praksis skal gøre',
    dutyText: (deadline) =>
      `Som dataansvarlig beslutter jeres praksis, om tilsynsmyndigheden skal underrettes. Et brud skal anmeldes inden for 72 timer efter, at man er blevet bekendt med det, medmindre det sandsynligvis ikke indebærer en risiko for personers rettigheder og frihedsrettigheder (art. 33, stk. 1). Regnet fra vores kendskab er fristen ${deadline}. Dokumentér bruddet under alle omstændigheder (art. 33, stk. 5).`,
    highRisk: 'Vi vurderer risikoen for de berørte som høj. Så skal de også underrettes uden unødig forsinkelse (art. 34). Vedhæftet er en underretning i et klart og enkelt sprog, som I kan kontrollere, tilpasse og videresende.',
    attachment: 'underretning-beroerte.txt',
    draft: 'UDKAST: anmeldelse til tilsynsmyndigheden',
    draftIntro: 'Kontrollér og udfyld udkastet, og indsend det selv; de fleste myndigheder har en onlineformular. Udfyld teksten i [klammer].',
    to: 'Til',
    germanAuthority: 'Databeskyttelsesmyndigheden i jeres delstat (Landesdatenschutzbehörde). Vælg myndigheden i den delstat, hvor praksissen er etableret:',
    draftTitle: 'Anmeldelse af brud på persondatasikkerheden (art. 33 i databeskyttelsesforordningen)',
    controller: (name, contact) => `Dataansvarlig: ${name}, ${contact}`,
    processor: (contact) => `Databehandler, hos hvem bruddet skete: Praxisraum, kontakt ${contact}`,
    awareness: (at) => `Den dataansvarlige blev bekendt med bruddet: [dato og klokkeslæt for modtagelsen af denne underretning]. Databehandleren blev bekendt med det ${at}.`,
    a: 'a) Bruddets karakter',
    aPeople: 'Kategorier og omtrentligt antal berørte personer',
    aRecords: 'Kategorier og omtrentligt antal berørte registreringer af personoplysninger',
    b: (contact) => `b) Databeskyttelsesrådgiver eller andet kontaktpunkt: [navn og kontaktoplysninger]; databehandlerens kontakt: ${contact}`,
    c: 'c) Sandsynlige konsekvenser',
    d: 'd) Trufne eller foreslåede foranstaltninger, herunder foranstaltninger til at begrænse mulige skadevirkninger',
    art34: 'Underretning af de berørte (art. 34): [sket den … / planlagt til … / ikke nødvendig, fordi …]',
    delay: 'Ved anmeldelse efter mere end 72 timer begrundelsen for forsinkelsen: [ … ]',
    deadline: (at) => `Frist (72 timer fra databehandlerens kendskab): ${at}`,
  },
};


export function breachNoticeEmail(data: BreachNoticeData, locale: Locale): RenderedEmail {
  const copy = COPY[locale];
  const { incident, practice } = data;
  const at = (instant: number) => `${formatDateTime(instant, locale, practice.timeZone)} (${formatUtc(instant)})`;
  const count = (n: number) => new Intl.NumberFormat(intlTag(locale)).format(n);
  const categories = categoryList(locale, incident.dataCategories, incident.subjectCategories);
  const approx = copy.approx(count(incident.approxSubjects), count(incident.approxRecords));
  const updates = data.updates.map((u) => `${at(u.at)}: ${u.text}`);
  const authority =
    data.authority.country === 'DK'
      ? [`${copy.to}: ${data.authority.name} (${data.authority.website})`]
      : [`${copy.to}: ${copy.germanAuthority}`, ...data.authority.stateAuthorities.map((a) => `– ${a.state}: ${a.authority}`)];
  const blocks: Block[] = [
    { lines: [copy.intro(data.kind, data.reference)] },
    ...(updates.length ? [{ heading: copy.updates, lines: updates }] : []),
    {
      heading: copy.breach,
      lines: [
        `${copy.nature}: ${incident.nature}`,
        `${copy.awareAt}: ${at(incident.awareAt)}`,
        `${copy.dataCategories}: ${categories.data}`,
        `${copy.subjectCategories}: ${categories.subjects}`,
        approx,
        `${copy.consequences}: ${incident.consequences}`,
        `${copy.measures}: ${incident.measures}`,
        `${copy.contact}: ${incident.contact}`,
      ],
    },
    { heading: copy.duty, lines: [copy.dutyText(at(data.deadline)), ...(incident.highRisk && data.subjectNotice ? [copy.highRisk] : [])] },
    { heading: copy.draft, lines: [copy.draftIntro, copy.deadline(at(data.deadline))] },
    { lines: authority },
    {
      heading: copy.draftTitle,
      lines: [
        copy.controller(practice.name, practice.contactEmail || '[…]'),
        copy.processor(incident.contact),
        copy.awareness(at(incident.awareAt)),
        `${copy.a}: ${incident.nature}`,
        `${copy.aPeople}: ${categories.subjects}; ${count(incident.approxSubjects)}`,
        `${copy.aRecords}: ${categories.data}; ${count(incident.approxRecords)}`,
        copy.b(incident.contact),
        `${copy.c}: ${incident.consequences}`,
        `${copy.d}: ${incident.measures}`,
        ...updates,
        copy.art34,
        copy.delay,
      ],
    },
  ];
  const subject = copy.subject(data.kind, data.reference, practice.name);
  const attachments: EmailAttachment[] =
    incident.highRisk && data.subjectNotice ? [{ filename: copy.attachment, contentType: 'text/plain; charset=utf-8', content: base64Utf8(data.subjectNotice) }] : [];
  return { subject, ...renderBlocks(locale, subject, blocks), attachments };
}
