import type { Locale } from './locale';

export type TermsContext = { practiceName: string; therapistName: string; contactEmail: string; dpoEmail: string };

/**
 * The default booking terms and privacy notice a new practice starts with. It covers what Art. 13 GDPR requires the
 * client to be told at collection: controller and contact, DPO, purposes and legal bases, recipients, transfers,
 * retention, rights, withdrawal, complaint, whether the data is required, automated decisions. Practices edit it later.
 */
export function defaultTermsText(locale: Locale, c: TermsContext): string {
  return TEMPLATES[locale](c).join('\n\n');
}

const TEMPLATES: Record<Locale, (c: TermsContext) => string[]> = {
  en: (c) => [
    `Booking terms and privacy notice of ${c.practiceName}`,
    `Controller: ${c.practiceName} (${c.therapistName}), contact: ${c.contactEmail}. Data-protection officer of the booking platform acting for the practice: ${c.dpoEmail}.`,
    'What we process: the name you give (initials or a nickname are fine), your email address, the appointments you book and your consent choices. That you book a therapist can reveal health information; we treat it with special care (Art. 9 GDPR).',
    'Why and on what basis: to book and hold your appointment and to send you confirmations and changes (Art. 6(1)(b) and Art. 9(2)(h) GDPR); email reminders only if you tick that box (Art. 6(1)(a) GDPR).',
    'Recipients: the practice; the booking platform Praxisraum as processor (Art. 28 GDPR), hosted by Cloudflare in the EU, and Resend for email delivery. No recordings, no tracking, no advertising, no IP addresses stored. No transfer outside the EU/EEA.',
    'How long: as long as you are a client of the practice and statutory record-keeping duties require; consent records as long as the data they cover exists.',
    'Your rights: access, rectification, erasure, restriction, objection, data portability, and complaint to a supervisory authority. You can withdraw consent at any time, as easily as you gave it, with the link in your confirmation email; this does not affect processing before the withdrawal. Requests: /rights or the contact above.',
    'Providing a name and an email address is needed to book online; you may also book by phone. There is no automated decision-making.',
  ],
  de: (c) => [
    `Buchungsbedingungen und Datenschutzhinweise von ${c.practiceName}`,
    `Verantwortlich: ${c.practiceName} (${c.therapistName}), Kontakt: ${c.contactEmail}. Datenschutzbeauftragter der Buchungsplattform, der für die Praxis tätig ist: ${c.dpoEmail}.`,
    'Was wir verarbeiten: den Namen, den Sie angeben (Initialen oder ein Spitzname genügen), Ihre E-Mail-Adresse, Ihre gebuchten Termine und Ihre Einwilligungen. Dass Sie eine Therapeutin oder einen Therapeuten buchen, kann Gesundheitsdaten offenbaren; wir behandeln das besonders sorgfältig (Art. 9 DSGVO).',
    'Zweck und Rechtsgrundlage: Buchung und Durchführung Ihres Termins, Bestätigungen und Änderungen (Art. 6 Abs. 1 lit. b und Art. 9 Abs. 2 lit. h DSGVO); Terminerinnerungen per E-Mail nur, wenn Sie das Kästchen ankreuzen (Art. 6 Abs. 1 lit. a DSGVO).',
    'Empfänger: die Praxis; die Buchungsplattform Praxisraum als Auftragsverarbeiter (Art. 28 DSGVO), gehostet bei Cloudflare in der EU, und Resend für den E-Mail-Versand. Keine Aufzeichnungen, kein Tracking, keine Werbung, keine Speicherung von IP-Adressen. Keine Übermittlung außerhalb der EU/des EWR.',
    'Speicherdauer: solange Sie Klientin oder Klient der Praxis sind und gesetzliche Aufbewahrungspflichten es verlangen; Einwilligungsnachweise so lange, wie die betroffenen Daten bestehen.',
    'Ihre Rechte: Auskunft, Berichtigung, Löschung, Einschränkung, Widerspruch, Datenübertragbarkeit und Beschwerde bei einer Aufsichtsbehörde. Sie können Ihre Einwilligung jederzeit so einfach widerrufen, wie Sie sie erteilt haben – über den Link in Ihrer Bestätigungs-E-Mail; die Rechtmäßigkeit der Verarbeitung bis zum Widerruf bleibt unberührt. Anfragen: /rights oder der Kontakt oben.',
    'Name und E-Mail-Adresse sind für die Online-Buchung erforderlich; Sie können auch telefonisch buchen. Es findet keine automatisierte Entscheidungsfindung statt.',
  ],
  da: (c) => [
    `Bookingvilkår og privatlivsoplysninger for ${c.practiceName}`,
    `Dataansvarlig: ${c.practiceName} (${c.therapistName}), kontakt: ${c.contactEmail}. Bookingplatformens databeskyttelsesrådgiver, der handler for praksissen: ${c.dpoEmail}.`,
    'Hvad vi behandler: det navn, du oplyser (initialer eller et kaldenavn er fint), din e-mailadresse, dine bookede tider og dine samtykkevalg. At du booker en terapeut, kan afsløre helbredsoplysninger; vi behandler det med særlig omhu (art. 9 i GDPR).',
    'Formål og retsgrundlag: at booke og afholde din tid og sende bekræftelser og ændringer (art. 6, stk. 1, litra b, og art. 9, stk. 2, litra h); påmindelser pr. e-mail kun, hvis du sætter kryds (art. 6, stk. 1, litra a).',
    'Modtagere: praksissen; bookingplatformen Praxisraum som databehandler (art. 28), hostet hos Cloudflare i EU, og Resend til levering af e-mail. Ingen optagelser, ingen sporing, ingen reklame, ingen IP-adresser gemt. Ingen overførsel uden for EU/EØS.',
    'Opbevaring: så længe du er klient i praksissen, og lovpligtig opbevaring kræver det; samtykkedokumentation så længe de data, den dækker, findes.',
    'Dine rettigheder: indsigt, berigtigelse, sletning, begrænsning, indsigelse, dataportabilitet og klage til Datatilsynet. Du kan til enhver tid trække dit samtykke tilbage lige så let, som du gav det, via linket i din bekræftelsesmail; det påvirker ikke behandlingen før tilbagetrækningen. Anmodninger: /rights eller kontakten ovenfor.',
    'Navn og e-mailadresse er nødvendige for at booke online; du kan også booke telefonisk. Der træffes ingen automatiske afgørelser.',
  ],
};
