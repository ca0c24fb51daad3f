import type { Locale } from '../../../workers/domain/locale';
import { appointmentErrors } from './appointments';
import { authErrors } from './auth';
import { bookingErrors } from './booking';
import { commonErrors } from './common';

// The error catalogue: every message an error can carry, by area, in every language. Each area file types its German
// and Danish tables as its English one, so a key or a parameter missing in one language fails the type check;
// tests/unit/error-catalogue.test.ts checks the same at run time (no empty text, no English left in).

function merged(locale: Locale) {
  return {
    ...commonErrors[locale],
    ...authErrors[locale],
    ...bookingErrors[locale],
    ...appointmentErrors[locale],
  };
}

type ErrorCatalogue = ReturnType<typeof merged>;

export const errorCatalogues: Record<Locale, ErrorCatalogue> = { en: merged('en'), de: merged('de'), da: merged('da') };

export type ErrorKey = keyof ErrorCatalogue;

/** The parameters a key's text takes, `undefined` for a fixed text. */
export type ErrorParams<K extends ErrorKey> = ErrorCatalogue[K] extends (params: infer P) => string ? P : undefined;

/** A key with the parameters its text needs: what an error carries instead of words. */
export type Message = { [K in ErrorKey]: ErrorParams<K> extends undefined ? { key: K; params?: undefined } : { key: K; params: ErrorParams<K> } }[ErrorKey];

/** Keys whose text takes no parameter; those may be written bare. */
export type PlainKey = { [K in ErrorKey]: ErrorParams<K> extends undefined ? K : never }[ErrorKey];

export function isErrorKey(value: string): value is ErrorKey {
  return Object.hasOwn(errorCatalogues.en, value);
}

/** The text of a message in one language. */
export function errorText(message: Message | PlainKey, locale: Locale): string {
  const { key, params } = typeof message === 'string' ? { key: message, params: undefined } : message;
  const text: string | ((p: never) => string) = errorCatalogues[locale][key];
  return typeof text === 'string' ? text : text(params as never);
}
