// Bearer secrets that travel in URLs: emailed manage, verification, download and reset links, the calendar feed (which
// calendar apps can only fetch by URL) and call join tokens. Whatever we log passes through redactSecrets first, so a
// log line never hands out access to someone's booking, data or call (issue 11, item 14). No imports: scripts/start.mjs
// and the browser tests' server load this file directly in Node.

/** Path prefixes whose next segment is a token. */
const TOKEN_PATHS = ['/b/', '/calendar/', '/rights/verify/', '/rights/download/'];
/** Query parameters whose value is a secret. */
const TOKEN_PARAMS = ['token', 'code', 'access_code', 'accessCode', 'key', 'secret'];

export const REDACTED = '[redacted]';

const pathPattern = new RegExp(`(${TOKEN_PATHS.map((prefix) => prefix.replace(/[/]/g, '\\/')).join('|')})[^/?#\\s"'<>]+`, 'g');
const paramPattern = new RegExp(`([?&](?:${TOKEN_PARAMS.join('|')})=)[^&#\\s"'<>]+`, 'gi');

/** Replaces every token in URLs or paths within `text` (a log line, a path, a whole URL) with "[redacted]". */
export function redactSecrets(text: string): string {
  return text.replace(pathPattern, `$1${REDACTED}`).replace(paramPattern, `$1${REDACTED}`);
}
