import type { Locale } from './locale';

/**
 * The data-processing agreement every practice accepts at sign-up (Art. 28(3) GDPR). A new wording gets a new
 * version; the acceptance stores the version and the SHA-256 of the exact text shown.
 */
export const DPA_VERSION = '2026-11-01';

const DPA_TEXT: Record<Locale, string> = {
  en: [
    'Data-processing agreement (Art. 28 GDPR), version 2026-11-01.',
    '1. The practice is the controller; Praxisraum processes personal data only on the practice’s documented instructions, for booking, consent records, messages and video calls.',
    '2. Everyone at Praxisraum with access to the data is bound to confidentiality.',
    '3. Praxisraum takes the technical and organisational measures of Art. 32 GDPR: encryption in transit, session notes encrypted with a key only the practice holds, no IP addresses stored, data and call signaling kept in the EU.',
    '4. Sub-processors: Cloudflare (hosting, EU jurisdiction) and Resend (email delivery). The practice is told before any change and may object.',
    '5. Praxisraum helps the practice answer data-subject requests and reports personal-data breaches without undue delay, in time for the 72-hour notice of Art. 33 GDPR.',
    '6. When the contract ends, or the practice deletes its account, all personal data is deleted unless the law requires it to be kept.',
    '7. Praxisraum makes available all information needed to demonstrate compliance and allows audits.',
  ].join('\n'),
  de: [
    'Auftragsverarbeitungsvertrag (Art. 28 DSGVO), Version 2026-11-01.',
    '1. Die Praxis ist Verantwortliche; Praxisraum verarbeitet personenbezogene Daten nur nach dokumentierter Weisung der Praxis, für Buchung, Einwilligungsnachweise, Nachrichten und Videosprechstunden.',
    '2. Alle Personen bei Praxisraum mit Zugriff auf die Daten sind zur Vertraulichkeit verpflichtet.',
    '3. Praxisraum trifft die technischen und organisatorischen Maßnahmen nach Art. 32 DSGVO: Transportverschlüsselung, Sitzungsnotizen mit einem Schlüssel, den nur die Praxis besitzt, keine Speicherung von IP-Adressen, Daten und Signalisierung in der EU.',
    '4. Unterauftragsverarbeiter: Cloudflare (Hosting, EU-Jurisdiktion) und Resend (E-Mail-Versand). Die Praxis wird vor jeder Änderung informiert und kann widersprechen.',
    '5. Praxisraum unterstützt die Praxis bei Anfragen betroffener Personen und meldet Datenschutzverletzungen unverzüglich, rechtzeitig für die 72-Stunden-Frist des Art. 33 DSGVO.',
    '6. Bei Vertragsende oder Löschung des Kontos werden alle personenbezogenen Daten gelöscht, soweit keine gesetzliche Aufbewahrungspflicht besteht.',
    '7. Praxisraum stellt alle Informationen zum Nachweis der Einhaltung bereit und ermöglicht Überprüfungen.',
  ].join('\n'),
  da: [
    'Databehandleraftale (art. 28 i GDPR), version 2026-11-01.',
    '1. Praksissen er dataansvarlig; Praxisraum behandler kun personoplysninger efter praksissens dokumenterede instruks, til booking, samtykkedokumentation, beskeder og videokonsultationer.',
    '2. Alle hos Praxisraum med adgang til oplysningerne har tavshedspligt.',
    '3. Praxisraum gennemfører de tekniske og organisatoriske foranstaltninger i art. 32: kryptering under transport, sessionsnoter krypteret med en nøgle, som kun praksissen har, ingen lagring af IP-adresser, data og signalering i EU.',
    '4. Underdatabehandlere: Cloudflare (hosting, EU-jurisdiktion) og Resend (levering af e-mail). Praksissen underrettes før enhver ændring og kan gøre indsigelse.',
    '5. Praxisraum bistår praksissen med anmodninger fra registrerede og anmelder brud på persondatasikkerheden uden unødig forsinkelse, i tide til fristen på 72 timer i art. 33.',
    '6. Ved aftalens ophør, eller når praksissen sletter sin konto, slettes alle personoplysninger, medmindre lovgivningen kræver opbevaring.',
    '7. Praxisraum stiller alle oplysninger til rådighed, der er nødvendige for at påvise overholdelse, og giver mulighed for revision.',
  ].join('\n'),
};

export function dpaText(locale: Locale): string {
  return DPA_TEXT[locale];
}
