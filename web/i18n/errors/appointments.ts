// Errors of an appointment's life after booking: the emailed link, the agenda, withdrawal of consent.

const en = {
  'appointment.consentChanged': 'Your consent changed in the meantime. Reload the page and try again.',
};

const de: typeof en = {
  'appointment.consentChanged': 'Ihre Einwilligung hat sich inzwischen geändert. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.',
};

const da: typeof en = {
  'appointment.consentChanged': 'Dit samtykke er ændret i mellemtiden. Genindlæs siden, og prøv igen.',
};

export const appointmentErrors = { en, de, da };
