import type { Locale } from '../workers/domain/locale';
import { htmlDocument, type RenderedEmail } from './render';

type Data = { link: string; minutes: number };

const COPY: Record<Locale, (d: Data) => { subject: string; intro: string; action: string; ignore: string }> = {
  en: (d) => ({
    subject: 'Reset your Praxisraum password',
    intro: `Someone asked to reset the password of your Praxisraum account. The link works once, for ${d.minutes} minutes.`,
    action: 'Set a new password',
    ignore: 'If this was not you, ignore this email: your password stays unchanged.',
  }),
  de: (d) => ({
    subject: 'Ihr Praxisraum-Passwort zurücksetzen',
    intro: `Jemand möchte das Passwort Ihres Praxisraum-Kontos zurücksetzen. Der Link gilt einmal und ${d.minutes} Minuten lang.`,
    action: 'Neues Passwort festlegen',
    ignore: 'Falls Sie das nicht waren, ignorieren Sie diese E-Mail: Ihr Passwort bleibt unverändert.',
  }),
  da: (d) => ({
    subject: 'Nulstil din adgangskode til Praxisraum',
    intro: `Nogen har bedt om at nulstille adgangskoden til din Praxisraum-konto. Linket virker én gang i ${d.minutes} minutter.`,
    action: 'Vælg en ny adgangskode',
    ignore: 'Hvis det ikke var dig, kan du se bort fra denne e-mail: Din adgangskode forbliver uændret.',
  }),
};

export function passwordResetEmail(data: Data, locale: Locale): RenderedEmail {
  const copy = COPY[locale](data);
  return {
    subject: copy.subject,
    text: `${copy.intro}\n\n${copy.action}: ${data.link}\n\n${copy.ignore}\n`,
    html: htmlDocument(locale, copy.subject, [copy.intro, { link: data.link, label: copy.action }, copy.ignore]),
    attachments: [],
  };
}
