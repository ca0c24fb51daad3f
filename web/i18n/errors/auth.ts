// Sign-in, second factor, password reset and sign-up refusals.

const en = {
  'auth.wrongCredentials': 'Email or password is wrong',
  'auth.codeRequired': 'Enter the code from your authenticator app',
  'auth.codeRequiredField': 'A code is required for this account',
  'auth.codeWrong': 'The code is wrong or was already used',
  'auth.codeWrongField': 'Enter a current code',
  'auth.confirmEmailFirst': 'Confirm your email address first: open the link we emailed you, or reset your password to get a new one.',
  'auth.throttled': (p: { seconds: number }) =>
    `Too many failed sign-ins. Try again in ${p.seconds} seconds, or reset your password through the emailed link.`,
};

const de: typeof en = {
  'auth.wrongCredentials': 'E-Mail-Adresse oder Passwort ist falsch.',
  'auth.codeRequired': 'Geben Sie den Code aus Ihrer Authenticator-App ein.',
  'auth.codeRequiredField': 'Für dieses Konto ist ein Code erforderlich.',
  'auth.codeWrong': 'Der Code ist falsch oder wurde bereits verwendet.',
  'auth.codeWrongField': 'Geben Sie einen aktuellen Code ein.',
  'auth.confirmEmailFirst':
    'Bestätigen Sie zuerst Ihre E-Mail-Adresse: Öffnen Sie den Link aus unserer E-Mail, oder setzen Sie Ihr Passwort zurück, um einen neuen zu erhalten.',
  'auth.throttled': (p) =>
    `Zu viele fehlgeschlagene Anmeldungen. Versuchen Sie es in ${p.seconds} Sekunden erneut, oder setzen Sie Ihr Passwort über den Link per E-Mail zurück.`,
};

const da: typeof en = {
  'auth.wrongCredentials': 'E-mailadresse eller adgangskode er forkert.',
  'auth.codeRequired': 'Indtast koden fra din autentificeringsapp.',
  'auth.codeRequiredField': 'Denne konto kræver en kode.',
  'auth.codeWrong': 'Koden er forkert eller allerede brugt.',
  'auth.codeWrongField': 'Indtast en aktuel kode.',
  'auth.confirmEmailFirst': 'Bekræft først din e-mailadresse: Åbn linket i vores e-mail, eller nulstil din adgangskode for at få et nyt.',
  'auth.throttled': (p) =>
    `For mange mislykkede log ind-forsøg. Prøv igen om ${p.seconds} sekunder, eller nulstil din adgangskode via linket i e-mailen.`,
};

export const authErrors = { en, de, da };
