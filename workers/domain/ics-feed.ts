/**
 * The therapist's calendar subscription (RFC 5545, METHOD:PUBLISH): one VCALENDAR with a VEVENT per booked appointment,
 * written piece by piece so a long calendar can be streamed. Unlike the emailed invitations (workers/domain/ics.ts) a
 * published feed has no organiser or attendees: it is a read-only copy for the therapist's own calendar app.
 */
export type FeedEvent = {
  uid: string;
  sequence: number;
  start: number;
  end: number;
  stamp: number;
  /** Neutral unless the therapist turned client names on: calendars sync to phones and shared accounts. */
  summary: string;
  url?: string | undefined;
};

const encoder = new TextEncoder();
const MAX_LINE_OCTETS = 75;

function utcStamp(at: number): string {
  return `${new Date(at).toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
}

/** TEXT (§3.3.11): backslash first, then semicolon and comma; line breaks become the two characters \n. */
export function escapeText(value: string): string {
  return value
    .replace(/[\\;,]/g, (char) => `\\${char}`)
    .replace(/\r\n|\r|\n/g, '\\n')
    .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
}

/** Folds a content line after 75 octets (§3.1): CRLF plus one space, never splitting a UTF-8 character. */
export function foldLine(line: string): string {
  let folded = '';
  let octets = 0;
  for (const char of line) {
    const size = encoder.encode(char).length;
    // Continuation lines start with a space, which counts towards their 75 octets.
    if (octets + size > MAX_LINE_OCTETS) {
      folded += '\r\n ';
      octets = 1;
    }
    folded += char;
    octets += size;
  }
  return `${folded}\r\n`;
}

export function feedHead(input: { name: string; refreshMinutes: number }): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Praxisraum//Calendar feed//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(input.name)}`,
    // RFC 7986 and its older Apple/Microsoft twin: how often subscribers should fetch the feed again.
    `REFRESH-INTERVAL;VALUE=DURATION:PT${input.refreshMinutes}M`,
    `X-PUBLISHED-TTL:PT${input.refreshMinutes}M`,
  ]
    .map(foldLine)
    .join('');
}

export function feedEvent(event: FeedEvent): string {
  return [
    'BEGIN:VEVENT',
    `UID:${escapeText(event.uid)}`,
    `SEQUENCE:${event.sequence}`,
    `DTSTAMP:${utcStamp(event.stamp)}`,
    `DTSTART:${utcStamp(event.start)}`,
    `DTEND:${utcStamp(event.end)}`,
    `SUMMARY:${escapeText(event.summary)}`,
    ...(event.url ? [`URL:${event.url}`] : []),
    'STATUS:CONFIRMED',
    'TRANSP:OPAQUE',
    'CLASS:PRIVATE',
    'END:VEVENT',
  ]
    .map(foldLine)
    .join('');
}

export const FEED_TAIL = 'END:VCALENDAR\r\n';

/** A whole feed at once, for small calendars and tests. */
export function calendarFeed(input: { name: string; refreshMinutes: number }, events: readonly FeedEvent[]): string {
  return `${feedHead(input)}${events.map(feedEvent).join('')}${FEED_TAIL}`;
}
