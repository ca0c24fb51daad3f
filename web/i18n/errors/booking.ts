// Refusals of the public booking form and API, the hold's confirmation link and the emailed manage link.

const en = {
  'booking.termsRequired': 'Booking needs your acceptance of the practice’s terms',
  'booking.termsRequiredField': 'Read and accept the terms to book',
  'booking.termsChanged': (p: { version: number }) => `The terms have changed; please read and accept version ${p.version}`,
  'booking.termsChangedField': (p: { version: number }) => `The current version is ${p.version}`,
  'booking.unknownType': 'Unknown appointment type',
  'booking.unknownTypeField': 'Choose one of the practice’s appointment types',
};

const de: typeof en = {
  'booking.termsRequired': 'Für eine Buchung müssen Sie die Bedingungen der Praxis akzeptieren.',
  'booking.termsRequiredField': 'Bitte lesen und akzeptieren Sie die Bedingungen, um zu buchen.',
  'booking.termsChanged': (p) => `Die Bedingungen haben sich geändert. Bitte lesen und akzeptieren Sie Version ${p.version}.`,
  'booking.termsChangedField': (p) => `Die aktuelle Version ist ${p.version}.`,
  'booking.unknownType': 'Diese Terminart gibt es nicht.',
  'booking.unknownTypeField': 'Bitte wählen Sie eine der Terminarten der Praxis.',
};

const da: typeof en = {
  'booking.termsRequired': 'For at booke skal du acceptere praksissens vilkår.',
  'booking.termsRequiredField': 'Læs og acceptér vilkårene for at booke.',
  'booking.termsChanged': (p) => `Vilkårene er ændret. Læs og acceptér venligst version ${p.version}.`,
  'booking.termsChangedField': (p) => `Den aktuelle version er ${p.version}.`,
  'booking.unknownType': 'Denne tidstype findes ikke.',
  'booking.unknownTypeField': 'Vælg en af praksissens tidstyper.',
};

export const bookingErrors = { en, de, da };
