import type { Locale } from '../workers/domain/locale';
import { htmlDocument, type RenderedEmail } from './render';

type ConfirmData = { link: string; hours: number };
type ExistsData = { loginLink: string; resetLink: string };

const CONFIRM: Record<Locale, (d: ConfirmData) => { subject: string; intro: string; action: string; ignore: string }> = {
  en: (d) => ({
    subject: 'Confirm your email address for Praxisraum',
    intro: `Someone created a practice account on Praxisraum with this address. Confirm it to start; the link works once, for ${d.hours} hours.`,
    action: 'Confirm the address and sign in',
    ignore: 'If this was not you, ignore this email: the account stays inactive.',
  }),
  de: (d) => ({
    subject: 'Bestätigen Sie Ihre E-Mail-Adresse für Praxisraum',
    intro: `Jemand hat mit dieser Adresse ein Praxiskonto bei Praxisraum angelegt. Bestätigen Sie sie, um zu beginnen; der Link gilt einmal und ${d.hours} Stunden lang.`,
    action: 'Adresse bestätigen und anmelden',
    ignore: 'Falls Sie das nicht waren, ignorieren Sie diese E-Mail: Das Konto bleibt inaktiv.',
  }),
  da: (d) => ({
    subject: 'Bekræft din e-mailadresse til Praxisraum',
    intro: `Nogen har oprettet en praksiskonto på Praxisraum med denne adresse. Bekræft den for at komme i gang; linket virker én gang i ${d.hours} timer.`,
    action: 'Bekræft adressen og log ind',
    ignore: 'Hvis det ikke var dig, kan du se bort fra denne e-mail: Kontoen forbliver inaktiv.',
  }),
};

const EXISTS: Record<Locale, { subject: string; intro: string; login: string; reset: string; ignore: string }> = {
  en: {
    subject: 'Someone tried to create a Praxisraum account with your address',
    intro: 'Someone tried to create a new practice account with this address, which already has an account. Nothing was changed.',
    login: 'Sign in to your account',
    reset: 'Forgot the password? Set a new one',
    ignore: 'If this was not you, ignore this email.',
  },
  de: {
    subject: 'Jemand wollte mit Ihrer Adresse ein Praxisraum-Konto anlegen',
    intro: 'Jemand wollte mit dieser Adresse ein neues Praxiskonto anlegen. Für diese Adresse gibt es schon ein Konto; es wurde nichts geändert.',
    login: 'Bei Ihrem Konto anmelden',
    reset: 'Passwort vergessen? Neues Passwort festlegen',
    ignore: 'Falls Sie das nicht waren, ignorieren Sie diese E-Mail.',
  },
  da: {
    subject: 'Nogen forsøgte at oprette en Praxisraum-konto med din adresse',
    intro: 'Nogen forsøgte at oprette en ny praksiskonto med denne adresse, som allerede har en konto. Intet blev ændret.',
    login: 'Log ind på din konto',
    reset: 'Glemt adgangskoden? Vælg en ny',
    ignore: 'Hvis det ikke var dig, kan du se bort fra denne e-mail.',
  },
};

/** The single-use link that activates a new account. */
export function confirmEmailEmail(data: ConfirmData, locale: Locale): RenderedEmail {
  const copy = CONFIRM[locale](data);
  return {
    subject: copy.subject,
    text: `${copy.intro}\n\n${copy.action}: ${data.link}\n\n${copy.ignore}\n`,
    html: htmlDocument(locale, copy.subject, [copy.intro, { link: data.link, label: copy.action }, copy.ignore]),
    attachments: [],
  };
}

/** Sent instead of a confirmation when the address already has an account: the form itself says the same either way. */
export function accountExistsEmail(data: ExistsData, locale: Locale): RenderedEmail {
  const copy = EXISTS[locale];
  return {
    subject: copy.subject,
    text: `${copy.intro}\n\n${copy.login}: ${data.loginLink}\n${copy.reset}: ${data.resetLink}\n\n${copy.ignore}\n`,
    html: htmlDocument(locale, copy.subject, [copy.intro, { link: data.loginLink, label: copy.login }, { link: data.resetLink, label: copy.reset }, copy.ignore]),
    attachments: [],
  };
}
