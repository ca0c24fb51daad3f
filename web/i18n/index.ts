import type { Locale } from '../../workers/domain/locale';
import { da } from './da';
import { de } from './de';
import { en, type Messages } from './en';

const catalogues: Record<Locale, Messages> = { en, de, da };

export function messages(locale: Locale): Messages {
  return catalogues[locale];
}

export type { Messages };
