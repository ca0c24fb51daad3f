export const LOCALES = ['de', 'da', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** Picks the best supported language from an Accept-Language header (RFC 9110 §12.5.4), English as the fallback. */
export function negotiateLocale(acceptLanguage: string | undefined | null, fallback: Locale = 'en'): Locale {
  if (!acceptLanguage) return fallback;
  const ranked = acceptLanguage
    .split(',')
    .map((part, order) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q ? Number(q.slice(2)) : 1;
      return { tag: tag.toLowerCase(), weight: Number.isFinite(weight) ? weight : 0, order };
    })
    .filter((entry) => entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.order - b.order);
  for (const { tag } of ranked) {
    const primary = tag.split('-')[0];
    if (isLocale(primary)) return primary;
    // Norwegian and Swedish readers usually read Danish more easily than English or German.
    if (primary === 'nb' || primary === 'no' || primary === 'nn' || primary === 'sv') return 'da';
  }
  return fallback;
}

const INTL_TAGS: Record<Locale, string> = { de: 'de-DE', da: 'da-DK', en: 'en-GB' };

/** The tag to give Intl formatters: British English, so English dates read day first like German and Danish ones. */
export function intlTag(locale: Locale): string {
  return INTL_TAGS[locale];
}

/** Formats an instant in the practice's time zone, e.g. "Mo., 23.11.2026, 14:30". */
export function formatDateTime(at: number, locale: Locale, timeZone: string): string {
  return new Intl.DateTimeFormat(intlTag(locale), {
    timeZone,
    weekday: 'short',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(at);
}
