import type { Locale } from '../../workers/domain/locale';

/** One text per key; every language of a catalogue has this shape. */
export type Texts<K extends string> = { readonly [P in K]: string };

/** The keys of D that English does not have are typed `never`, so a stray or misspelt key fails typecheck. */
type Exactly<K extends string, D> = D & { readonly [P in Exclude<keyof D, K>]: never };

/** A catalogue: call it with a locale for that language's texts; `texts` holds every language for the catalogue test. */
export type Catalogue<K extends string> = ((locale: Locale) => Texts<K>) & { readonly texts: Readonly<Record<Locale, Texts<K>>> };

/** The texts of one language of a catalogue, e.g. `MessagesOf<typeof bookingMessages>`. */
export type MessagesOf<C> = C extends Catalogue<infer K> ? Texts<K> : never;

/**
 * Defines a catalogue from its English texts and their German and Danish translations. The type checker refuses a
 * translation that lacks a key of the English catalogue or has one it does not; tests/unit/catalogues.test.ts then
 * refuses empty texts and suspicious copies of the English.
 */
export function defineMessages<K extends string, D extends Texts<K>, A extends Texts<K>>(
  en: Texts<K>,
  translations: { de: Exactly<K, D>; da: Exactly<K, A> },
): Catalogue<K> {
  const texts: Record<Locale, Texts<K>> = { en, de: translations.de, da: translations.da };
  return Object.assign((locale: Locale) => texts[locale], { texts });
}

/** Fills {name} placeholders of a message; a placeholder without a value stays visible rather than vanishing. */
export function fill(message: string, values: Record<string, string | number>): string {
  return message.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}
