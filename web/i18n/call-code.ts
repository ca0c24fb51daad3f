import { defineMessages, type MessagesOf } from './define';

// The therapist's page after issuing a new access code for a video appointment, and the agenda's button for it.

const en = {
  title: 'New access code',
  reissue: 'New access code',
  intro: 'The new access code for this video appointment is shown only now. The previous code no longer works.',
  code: 'Access code',
  link: 'Call link',
  copy: 'Copy',
  copied: 'Copied.',
  emailed: 'The client has been sent the new code by email.',
  notEmailed: 'The client has no email address on file, or processing is restricted: please pass the code on yourself.',
  back: 'Back to the appointments',
} as const;

const de = {
  title: 'Neuer Zugangscode',
  reissue: 'Neuer Zugangscode',
  intro: 'Der neue Zugangscode für diesen Videotermin wird nur jetzt angezeigt. Der bisherige Code gilt nicht mehr.',
  code: 'Zugangscode',
  link: 'Link zum Anruf',
  copy: 'Kopieren',
  copied: 'Kopiert.',
  emailed: 'Der neue Code wurde der Klientin oder dem Klienten per E-Mail geschickt.',
  notEmailed: 'Für diese Person ist keine E-Mail-Adresse hinterlegt oder die Verarbeitung ist eingeschränkt: Bitte geben Sie den Code selbst weiter.',
  back: 'Zurück zu den Terminen',
};

const da = {
  title: 'Ny adgangskode',
  reissue: 'Ny adgangskode',
  intro: 'Den nye adgangskode til denne videoaftale vises kun nu. Den tidligere kode virker ikke længere.',
  code: 'Adgangskode',
  link: 'Link til opkaldet',
  copy: 'Kopiér',
  copied: 'Kopieret.',
  emailed: 'Klienten har fået den nye kode tilsendt på e-mail.',
  notEmailed: 'Klienten har ingen e-mailadresse registreret, eller behandlingen er begrænset: Giv selv koden videre.',
  back: 'Tilbage til aftalerne',
};

export const accessCodeMessages = defineMessages(en, { de, da });
export type AccessCodeMessages = MessagesOf<typeof accessCodeMessages>;
