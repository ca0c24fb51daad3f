import { describe, expect, it } from 'vitest';
import { LOCALES } from '../../workers/domain/locale';
import { AppError, errorResponseBody } from '../../workers/lib/errors';
import { type ErrorKey, errorCatalogues, errorText, type Message } from '../../web/i18n/errors';

/** Any parameter a text asks for, so every function-valued text can be called without knowing its parameters. */
const anyParams = new Proxy({}, { get: (_target, name) => (typeof name === 'string' ? `«${name}»` : undefined) });
const keys = Object.keys(errorCatalogues.en) as ErrorKey[];

function textOf(key: ErrorKey, locale: (typeof LOCALES)[number]): string {
  const entry: string | ((p: never) => string) = errorCatalogues[locale][key];
  return typeof entry === 'string' ? entry : entry(anyParams as never);
}

describe('the error catalogue', () => {
  it('has the same keys in every language', () => {
    for (const locale of LOCALES) expect(Object.keys(errorCatalogues[locale]).sort(), locale).toEqual([...keys].sort());
  });

  it('has a text for every key in every language, and German and Danish are not English', () => {
    for (const key of keys) {
      const en = textOf(key, 'en');
      for (const locale of LOCALES) expect(textOf(key, locale).trim().length, `${locale} ${key}`).toBeGreaterThan(1);
      expect(textOf(key, 'de'), `de ${key}`).not.toBe(en);
      expect(textOf(key, 'da'), `da ${key}`).not.toBe(en);
      expect(textOf(key, 'de'), `de and da ${key}`).not.toBe(textOf(key, 'da'));
    }
  });

  it('fills parameters into the text in every language', () => {
    const message: Message = { key: 'auth.throttled', params: { seconds: 42 } };
    for (const locale of LOCALES) expect(errorText(message, locale)).toContain('42');
  });
});

describe('a keyed error', () => {
  const error = new AppError('VALIDATION_FAILED', { key: 'booking.termsChanged', params: { version: 3 } }, {
    termsVersion: { key: 'booking.termsChangedField', params: { version: 3 } },
  });

  it('answers the JSON API in English, with its code and key', () => {
    expect(errorResponseBody(error)).toEqual({
      error: {
        code: 'VALIDATION_FAILED',
        key: 'booking.termsChanged',
        message: 'The terms have changed; please read and accept version 3',
        fields: { termsVersion: ['The current version is 3'] },
      },
    });
  });

  it('renders in the page’s language', () => {
    expect(error.textIn('de')).toBe('Die Bedingungen haben sich geändert. Bitte lesen und akzeptieren Sie Version 3.');
    expect(error.fieldsIn('da')).toEqual({ termsVersion: ['Den aktuelle version er 3.'] });
  });
});
