import { formatDateTime, type Locale } from '../workers/domain/locale';
import { calendarAttachment, type Paragraph, plainText, subjectLine } from './booking-parts';
import { htmlDocument, type RenderedEmail } from './render';

type Data = {
  practiceName: string;
  /** The practice opted in to its name in subjects (off by default). */
  nameInSubject?: boolean;
  therapistName: string;
  clientName: string;
  start: number;
  end: number;
  timeZone: string;
  typeName: string;
  mode: 'video' | 'in_person';
  manageUrl: string;
  withdrawUrl: string;
  receiptUrl: string;
  callUrl?: string;
  accessCode?: string;
  ics: string;
};

type Copy = {
  subject: string;
  greeting: string;
  booked: string;
  video: string;
  join: string;
  accessCode: (code: string) => string;
  noRecording: string;
  inPerson: string;
  manage: string;
  manageLabel: string;
  withdraw: string;
  withdrawLabel: string;
  receipt: string;
  receiptLabel: string;
  calendar: string;
};

type Facts = { when: string; minutes: number };

const COPY: Record<Locale, (d: Data, f: Facts) => Copy> = {
  en: (d, f) => ({
    subject: subjectLine(`Your appointment on ${f.when}`, d),
    greeting: `Hello ${d.clientName},`,
    booked: `Your appointment “${d.typeName}” with ${d.therapistName} (${d.practiceName}) is booked: ${f.when}, ${f.minutes} minutes (time zone ${d.timeZone}).`,
    video: 'This is a video appointment. At the booked time, join with this link:',
    join: 'Join the video call',
    accessCode: (code) => `Access code: ${code}`,
    noRecording: 'The call is not recorded.',
    inPerson: 'The appointment takes place in person at the practice.',
    manage: 'To cancel or reschedule, use this link:',
    manageLabel: 'Cancel or reschedule',
    withdraw:
      'You can withdraw your consent at any time, in one step, with the link below (Art. 7(3) GDPR). Withdrawal does not affect processing before it; without consent the practice cannot hold your appointments, so they are cancelled.',
    withdrawLabel: 'Withdraw consent',
    receipt: 'Your consent receipt records what you agreed to and when:',
    receiptLabel: 'View your consent receipt',
    calendar: 'The attached file adds the appointment to your calendar.',
  }),
  de: (d, f) => ({
    subject: subjectLine(`Ihr Termin am ${f.when}`, d),
    greeting: `Guten Tag ${d.clientName},`,
    booked: `Ihr Termin „${d.typeName}“ bei ${d.therapistName} (${d.practiceName}) ist gebucht: ${f.when}, ${f.minutes} Minuten (Zeitzone ${d.timeZone}).`,
    video: 'Dies ist ein Videotermin. Zur gebuchten Zeit nehmen Sie über diesen Link teil:',
    join: 'Zum Videogespräch',
    accessCode: (code) => `Zugangscode: ${code}`,
    noRecording: 'Das Gespräch wird nicht aufgezeichnet.',
    inPerson: 'Der Termin findet vor Ort in der Praxis statt.',
    manage: 'Absagen oder verschieben können Sie über diesen Link:',
    manageLabel: 'Termin absagen oder verschieben',
    withdraw:
      'Ihre Einwilligung können Sie jederzeit mit einem Schritt über den folgenden Link widerrufen (Art. 7 Abs. 3 DSGVO). Der Widerruf berührt die bis dahin erfolgte Verarbeitung nicht; ohne Einwilligung kann die Praxis Ihre Termine nicht halten, sie werden daher abgesagt.',
    withdrawLabel: 'Einwilligung widerrufen',
    receipt: 'Ihr Einwilligungsnachweis hält fest, wozu Sie wann eingewilligt haben:',
    receiptLabel: 'Einwilligungsnachweis ansehen',
    calendar: 'Mit der angehängten Datei übernehmen Sie den Termin in Ihren Kalender.',
  }),
  da: (d, f) => ({
    subject: subjectLine(`Din tid ${f.when}`, d),
    greeting: `Hej ${d.clientName}`,
    booked: `Din tid »${d.typeName}« hos ${d.therapistName} (${d.practiceName}) er booket: ${f.when}, ${f.minutes} minutter (tidszone ${d.timeZone}).`,
    video: 'Det er en videokonsultation. På det bookede tidspunkt deltager du via dette link:',
    join: 'Gå til videosamtalen',
    accessCode: (code) => `Adgangskode: ${code}`,
    noRecording: 'Samtalen bliver ikke optaget.',
    inPerson: 'Konsultationen foregår fysisk i klinikken.',
    manage: 'Du kan aflyse eller flytte tiden via dette link:',
    manageLabel: 'Aflys eller flyt tiden',
    withdraw:
      'Du kan til enhver tid trække dit samtykke tilbage i ét trin via linket nedenfor (art. 7, stk. 3, i GDPR). Tilbagetrækningen påvirker ikke behandling, der er sket forinden; uden samtykke kan klinikken ikke holde dine tider, så de bliver aflyst.',
    withdrawLabel: 'Træk samtykke tilbage',
    receipt: 'Din samtykkekvittering viser, hvad du har givet samtykke til og hvornår:',
    receiptLabel: 'Se din samtykkekvittering',
    calendar: 'Med den vedhæftede fil kan du føje tiden til din kalender.',
  }),
};

function videoParagraphs(data: Data, copy: Copy): Paragraph[] {
  return [
    ...(data.callUrl ? [copy.video, { link: data.callUrl, label: copy.join }] : []),
    ...(data.accessCode ? [copy.accessCode(data.accessCode)] : []),
    copy.noRecording,
  ];
}

export function bookingConfirmationEmail(data: Data, locale: Locale): RenderedEmail {
  const facts = {
    when: formatDateTime(data.start, locale, data.timeZone),
    minutes: Math.round((data.end - data.start) / 60_000),
  };
  const copy = COPY[locale](data, facts);
  const paragraphs: Paragraph[] = [
    copy.greeting,
    copy.booked,
    ...(data.mode === 'video' ? videoParagraphs(data, copy) : [copy.inPerson]),
    copy.manage,
    { link: data.manageUrl, label: copy.manageLabel },
    copy.withdraw,
    { link: data.withdrawUrl, label: copy.withdrawLabel },
    copy.receipt,
    { link: data.receiptUrl, label: copy.receiptLabel },
    copy.calendar,
  ];
  return {
    subject: copy.subject,
    text: plainText(paragraphs),
    html: htmlDocument(locale, copy.subject, paragraphs),
    attachments: [calendarAttachment(data.ics, 'REQUEST')],
  };
}
