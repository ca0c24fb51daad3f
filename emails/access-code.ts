import type { Locale } from '../workers/domain/locale';
import { htmlDocument, type RenderedEmail } from './render';

/**
 * The practice issued a new access code for a video appointment. The subject names neither the practice nor the kind
 * of appointment (no treatment context in mail metadata); the previous code no longer works.
 */
type Data = { when: string; callUrl: string; accessCode: string };

const COPY: Record<Locale, (d: Data) => { subject: string; intro: string; code: string; join: string; old: string }> = {
  en: (d) => ({
    subject: 'New access code for your video appointment',
    intro: `Your practice has issued a new access code for your video appointment on ${d.when}.`,
    code: `New access code: ${d.accessCode}`,
    join: 'Open the video call',
    old: 'The previous access code no longer works.',
  }),
  de: (d) => ({
    subject: 'Neuer Zugangscode für Ihren Videotermin',
    intro: `Ihre Praxis hat einen neuen Zugangscode für Ihren Videotermin am ${d.when} ausgestellt.`,
    code: `Neuer Zugangscode: ${d.accessCode}`,
    join: 'Zum Videotermin',
    old: 'Der bisherige Zugangscode gilt nicht mehr.',
  }),
  da: (d) => ({
    subject: 'Ny adgangskode til din videoaftale',
    intro: `Din klinik har udstedt en ny adgangskode til din videoaftale den ${d.when}.`,
    code: `Ny adgangskode: ${d.accessCode}`,
    join: 'Åbn videoopkaldet',
    old: 'Den tidligere adgangskode virker ikke længere.',
  }),
};

export function accessCodeEmail(data: Data, locale: Locale): RenderedEmail {
  const copy = COPY[locale](data);
  return {
    subject: copy.subject,
    text: `${copy.intro}\n\n${copy.code}\n\n${copy.join}: ${data.callUrl}\n\n${copy.old}\n`,
    html: htmlDocument(locale, copy.subject, [copy.intro, copy.code, { link: data.callUrl, label: copy.join }, copy.old]),
    attachments: [],
  };
}
