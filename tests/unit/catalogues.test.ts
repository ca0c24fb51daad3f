import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LOCALES } from '../../workers/domain/locale';
import { CATALOGUES, type CatalogueText } from '../../web/i18n/catalogues';
import { defineMessages } from '../../web/i18n/define';

// Texts that are the same word in German or Danish as in English: names, codes and loanwords. A text not listed here
// that equals its English original is most likely a translation someone forgot.
const EVERYWHERE = ['Praxisraum', 'OK', 'CSV', 'JSON', 'Status', 'Version', 'System', 'Format'];
const SAME_AS_ENGLISH = { de: new Set([...EVERYWHERE, 'Name', 'in']), da: new Set([...EVERYWHERE, 'Type', 'Reference', 'Note']) };

const placeholders = (text: CatalogueText | undefined) => (typeof text === 'string' ? [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort() : []);

/** Any parameter a text asks for, so a text that is a function of its parameters can be read without knowing them. */
const anyParams = new Proxy({}, { get: (_target, name) => (typeof name === 'string' ? `«${name}»` : undefined) });
const read = (text: CatalogueText | undefined): string => (typeof text === 'function' ? text(anyParams as never) : (text ?? ''));

describe('every catalogue', () => {
  for (const [name, texts] of Object.entries(CATALOGUES)) {
    const keys = Object.keys(texts.en);

    it(`${name}: has every English key, and no other, in every language`, () => {
      for (const locale of LOCALES) expect(Object.keys(texts[locale]).sort(), `${name} in ${locale}`).toEqual([...keys].sort());
    });

    it(`${name}: has no empty text`, () => {
      const empty = LOCALES.flatMap((locale) => keys.filter((key) => !read(texts[locale][key]).trim()).map((key) => `${locale}:${key}`));
      expect(empty).toEqual([]);
    });

    it(`${name}: translates every text that is not the same word in every language`, () => {
      const copies = (['de', 'da'] as const).flatMap((locale) =>
        keys.filter((key) => read(texts[locale][key]) === read(texts.en[key]) && !SAME_AS_ENGLISH[locale].has(read(texts.en[key]))).map((key) => `${locale}:${key}`),
      );
      expect(copies).toEqual([]);
    });

    it(`${name}: keeps the same placeholders in every language`, () => {
      const differing = LOCALES.flatMap((locale) =>
        keys.filter((key) => placeholders(texts[locale][key]).join() !== placeholders(texts.en[key]).join()).map((key) => `${locale}:${key}`),
      );
      expect(differing).toEqual([]);
    });
  }
});

describe('the list of catalogues', () => {
  it('names every catalogue that web/i18n defines', async () => {
    const listed = new Set<unknown>(Object.values(CATALOGUES));
    const unlisted: string[] = [];
    for (const file of readdirSync(new URL('../../web/i18n/', import.meta.url).pathname).filter((name) => name.endsWith('.ts'))) {
      const module: Record<string, unknown> = await import(`../../web/i18n/${file}`);
      for (const [name, value] of Object.entries(module)) {
        if (typeof value === 'function' && 'texts' in value && !listed.has(value.texts)) unlisted.push(`${file}: ${name}`);
      }
    }
    expect(unlisted).toEqual([]);
  });
});

describe('defineMessages', () => {
  it('refuses, at typecheck, a translation that lacks a key or has one English does not', () => {
    const en = { hello: 'Hello', bye: 'Bye' };
    // @ts-expect-error German lacks "bye"
    defineMessages(en, { de: { hello: 'Hallo' }, da: { hello: 'Hej', bye: 'Farvel' } });
    const extra = { hello: 'Hej', bye: 'Farvel', typo: 'Hej' };
    // @ts-expect-error Danish has a key English does not
    defineMessages(en, { de: { hello: 'Hallo', bye: 'Tschüss' }, da: extra });
    const catalogue = defineMessages(en, { de: { hello: 'Hallo', bye: 'Tschüss' }, da: { hello: 'Hej', bye: 'Farvel' } });
    expect(catalogue('de').bye).toBe('Tschüss');
    expect(catalogue.texts.da.hello).toBe('Hej');
  });
});
