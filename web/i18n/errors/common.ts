// Errors any request can meet: the request itself, sign-in walls, our own failures. Keys are `area.what`; a message
// with parameters is a function of them, so every language must take the same parameters (the type checker says so).

const en = {
  // The API names what was malformed (in English, as parsers word it); a page only says that it was.
  'request.malformed': (p: { detail: string }) => p.detail || 'Malformed request',
  'request.formUnreadable': 'The form data could not be read',
  'request.tooLarge': 'The request body is too large',
  'request.tooLargeKiB': (p: { kib: number }) => `The request body is larger than ${p.kib} KiB`,
  'request.jsonOnly': 'Send the request body as application/json',
  'request.notFound': 'Not found',
  'request.noSuchPage': (p: { method: string; path: string }) => `No such page or endpoint: ${p.method} ${p.path}`,
  'request.crossSite': 'Cross-site requests are not allowed',
  'request.otherSite': 'The request came from another site',
  'request.csrfToken': 'The security token is missing or out of date; reload the page and try again',
  'session.signInRequired': 'Sign-in required',
  'session.signInFirst': 'Sign in first',
  'session.wrongRole': 'Your account may not use this page',
  'session.dpoNeedsSecondFactor': 'Set up a second factor on the security page before using the DPO console',
  'session.therapistOnly': 'Only a practice’s therapist may use this page',
  'server.databaseUnavailable': 'Our database is briefly unavailable. Please try again in a moment.',
  'server.internal': 'Something went wrong on our side. Nothing was saved; please try again.',
};

const de: typeof en = {
  'request.malformed': () => 'Die Anfrage ist fehlerhaft.',
  'request.formUnreadable': 'Die Formulardaten konnten nicht gelesen werden.',
  'request.tooLarge': 'Die Anfrage ist zu groß.',
  'request.tooLargeKiB': (p) => `Die Anfrage ist größer als ${p.kib} KiB.`,
  'request.jsonOnly': 'Bitte senden Sie die Daten als application/json.',
  'request.notFound': 'Nicht gefunden.',
  'request.noSuchPage': () => 'Diese Seite gibt es nicht.',
  'request.crossSite': 'Anfragen von anderen Websites sind nicht erlaubt.',
  'request.otherSite': 'Die Anfrage kam von einer anderen Website.',
  'request.csrfToken': 'Das Sicherheitsmerkmal fehlt oder ist veraltet. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.',
  'session.signInRequired': 'Bitte melden Sie sich an.',
  'session.signInFirst': 'Bitte melden Sie sich zuerst an.',
  'session.wrongRole': 'Ihr Konto darf diese Seite nicht verwenden.',
  'session.dpoNeedsSecondFactor': 'Richten Sie auf der Sicherheitsseite einen zweiten Faktor ein, bevor Sie die DSB-Konsole verwenden.',
  'session.therapistOnly': 'Nur die Therapeutin oder der Therapeut einer Praxis darf diese Seite verwenden.',
  'server.databaseUnavailable': 'Unsere Datenbank ist kurz nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.',
  'server.internal': 'Bei uns ist etwas schiefgegangen. Es wurde nichts gespeichert; bitte versuchen Sie es noch einmal.',
};

const da: typeof en = {
  'request.malformed': () => 'Forespørgslen er ugyldig.',
  'request.formUnreadable': 'Formularens data kunne ikke læses.',
  'request.tooLarge': 'Forespørgslen er for stor.',
  'request.tooLargeKiB': (p) => `Forespørgslen er større end ${p.kib} KiB.`,
  'request.jsonOnly': 'Send venligst data som application/json.',
  'request.notFound': 'Ikke fundet.',
  'request.noSuchPage': () => 'Siden findes ikke.',
  'request.crossSite': 'Forespørgsler fra andre websteder er ikke tilladt.',
  'request.otherSite': 'Forespørgslen kom fra et andet websted.',
  'request.csrfToken': 'Sikkerhedsnøglen mangler eller er forældet. Genindlæs siden, og prøv igen.',
  'session.signInRequired': 'Log venligst ind.',
  'session.signInFirst': 'Log venligst ind først.',
  'session.wrongRole': 'Din konto må ikke bruge denne side.',
  'session.dpoNeedsSecondFactor': 'Opret en anden faktor på sikkerhedssiden, før du bruger DPO-konsollen.',
  'session.therapistOnly': 'Kun en praksis’ behandler må bruge denne side.',
  'server.databaseUnavailable': 'Vores database er kortvarigt utilgængelig. Prøv igen om et øjeblik.',
  'server.internal': 'Noget gik galt hos os. Intet blev gemt; prøv venligst igen.',
};

export const commonErrors = { en, de, da };
