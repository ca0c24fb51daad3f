/** Rules for what a practice may be called and where it lives in time. Pure, shared by forms and the JSON API. */

const RESERVED_SLUGS = new Set(['api', 'book', 'call', 'dashboard', 'dev', 'dpo', 'login', 'rights', 'signup', 'static']);

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$/;

export function isReservedSlug(slug: string): boolean {
  return RESERVED_SLUGS.has(slug);
}

/** True for any IANA zone the runtime knows, e.g. Europe/Berlin or Europe/Copenhagen. */
export function isValidTimeZone(zone: string): boolean {
  if (!zone.includes('/') && zone !== 'UTC') return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
