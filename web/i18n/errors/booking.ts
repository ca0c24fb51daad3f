// Refusals of the public booking form and API, the hold's confirmation link and the emailed manage link.

type Change = { hours: number; practice: string; contact: string };

const en = {
  'booking.termsRequired': 'Booking needs your acceptance of the practice’s terms',
  'booking.termsChanged': (p: { version: number }) => `The terms have changed; please read and accept version ${p.version}`,
  'booking.termsChangedField': (p: { version: number }) => `The current version is ${p.version}`,
  'booking.unknownType': 'Unknown appointment type',
  'booking.unknownTypeField': 'Choose one of the practice’s appointment types',
  'booking.offersNoSuchType': 'This practice offers no such appointment type',
  'booking.noPractice': (p: { slug: string }) => `No practice books at /book/${p.slug}`,
  'booking.noTerms': 'This practice has no booking terms yet',
  'booking.slotGone': 'This time is no longer free. Please choose another one.',
  'booking.slotJustTaken': 'This time was just booked by someone else. Please choose another one.',
  'booking.slotGoneField': 'No longer available',
  'booking.limitReached': 'Too many bookings in a short time. Please contact the practice directly.',
  'booking.holdGone': 'This link has been used or has expired. Please book again.',
  'booking.notPossible': 'Online booking is not possible for this address. Please contact the practice.',
  'booking.linkInvalid': 'This link is not valid',
  'manage.linkInvalid': 'This link is not valid or the appointment no longer exists',
  'manage.notBooked': 'This appointment is no longer booked',
  'manage.changeClosed': (p: Change) =>
    `Online changes close ${p.hours} hours before the appointment. Please contact ${p.practice}${p.contact ? ` at ${p.contact}` : ''}.`,
  'manage.slotNotFree': 'This time is not free. Please choose another one.',
  'manage.slotNotFreeField': 'Not available',
  'manage.slotJustTaken': 'This time was just booked by someone else.',
  'manage.consentGone': 'The consent record of this booking no longer exists',
};

const de: typeof en = {
  'booking.termsRequired': 'Für eine Buchung müssen Sie die Bedingungen der Praxis akzeptieren.',
  'booking.termsChanged': (p) => `Die Bedingungen haben sich geändert. Bitte lesen und akzeptieren Sie Version ${p.version}.`,
  'booking.termsChangedField': (p) => `Die aktuelle Version ist ${p.version}.`,
  'booking.unknownType': 'Diese Terminart gibt es nicht.',
  'booking.unknownTypeField': 'Bitte wählen Sie eine der Terminarten der Praxis.',
  'booking.offersNoSuchType': 'Diese Praxis bietet diese Terminart nicht an.',
  'booking.noPractice': () => 'Unter dieser Adresse bietet keine Praxis Termine an.',
  'booking.noTerms': 'Diese Praxis hat noch keine Buchungsbedingungen.',
  'booking.slotGone': 'Diese Zeit ist nicht mehr frei. Bitte wählen Sie eine andere.',
  'booking.slotJustTaken': 'Diese Zeit wurde gerade von jemand anderem gebucht. Bitte wählen Sie eine andere.',
  'booking.slotGoneField': 'Nicht mehr frei.',
  'booking.limitReached': 'Bei dieser Praxis gehen gerade zu viele Buchungen ein. Bitte versuchen Sie es später erneut oder wenden Sie sich direkt an die Praxis.',
  'booking.holdGone': 'Dieser Link wurde bereits verwendet oder ist abgelaufen. Bitte buchen Sie erneut.',
  'booking.notPossible': 'Eine Online-Buchung ist für diese Adresse nicht möglich. Bitte wenden Sie sich direkt an die Praxis.',
  'booking.linkInvalid': 'Dieser Link ist ungültig.',
  'manage.linkInvalid': 'Dieser Link ist ungültig, oder den Termin gibt es nicht mehr.',
  'manage.notBooked': 'Dieser Termin ist nicht mehr gebucht.',
  'manage.changeClosed': (p) =>
    `Online-Änderungen sind bis ${p.hours} Stunden vor dem Termin möglich. Bitte wenden Sie sich an ${p.practice}${p.contact ? ` unter ${p.contact}` : ''}.`,
  'manage.slotNotFree': 'Diese Zeit ist nicht frei. Bitte wählen Sie eine andere.',
  'manage.slotNotFreeField': 'Nicht frei.',
  'manage.slotJustTaken': 'Diese Zeit wurde gerade von jemand anderem gebucht.',
  'manage.consentGone': 'Die Einwilligung zu dieser Buchung gibt es nicht mehr.',
};

const da: typeof en = {
  'booking.termsRequired': 'For at booke skal du acceptere praksissens vilkår.',
  'booking.termsChanged': (p) => `Vilkårene er ændret. Læs og acceptér venligst version ${p.version}.`,
  'booking.termsChangedField': (p) => `Den aktuelle version er ${p.version}.`,
  'booking.unknownType': 'Denne tidstype findes ikke.',
  'booking.unknownTypeField': 'Vælg en af praksissens tidstyper.',
  'booking.offersNoSuchType': 'Denne praksis tilbyder ikke denne tidstype.',
  'booking.noPractice': () => 'Ingen praksis tager imod bookinger på denne adresse.',
  'booking.noTerms': 'Denne praksis har endnu ingen bookingvilkår.',
  'booking.slotGone': 'Dette tidspunkt er ikke længere ledigt. Vælg venligst et andet.',
  'booking.slotJustTaken': 'Dette tidspunkt er netop blevet booket af en anden. Vælg venligst et andet.',
  'booking.slotGoneField': 'Ikke længere ledigt.',
  'booking.limitReached': 'Der kommer for mange bookinger hos denne klinik lige nu. Prøv igen senere, eller kontakt klinikken direkte.',
  'booking.holdGone': 'Dette link er allerede brugt eller udløbet. Book venligst igen.',
  'booking.notPossible': 'Online booking er ikke mulig for denne adresse. Kontakt venligst klinikken direkte.',
  'booking.linkInvalid': 'Dette link er ugyldigt.',
  'manage.linkInvalid': 'Dette link er ugyldigt, eller tiden findes ikke længere.',
  'manage.notBooked': 'Denne tid er ikke længere booket.',
  'manage.changeClosed': (p) =>
    `Online ændringer er mulige indtil ${p.hours} timer før tiden. Kontakt venligst ${p.practice}${p.contact ? ` på ${p.contact}` : ''}.`,
  'manage.slotNotFree': 'Dette tidspunkt er ikke ledigt. Vælg venligst et andet.',
  'manage.slotNotFreeField': 'Ikke ledigt.',
  'manage.slotJustTaken': 'Dette tidspunkt er netop blevet booket af en anden.',
  'manage.consentGone': 'Samtykket til denne booking findes ikke længere.',
};

export const bookingErrors = { en, de, da };
