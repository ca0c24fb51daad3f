/**
 * RFC 5545 / RFC 5546 (iTIP) calendar objects for one appointment. Written by hand rather than with the `ics` package:
 * that package loads `nanoid` through a CommonJS require that workerd's module loader cannot satisfy, and pulls in a
 * validation library several times the size of the six properties we emit.
 */
export type AppointmentIcsInput = {
  uid: string;
  sequence: number;
  method: 'REQUEST' | 'CANCEL';
  start: number;
  end: number;
  stamp: number;
  /** Neutral text only, e.g. "Appointment – Praxis X": calendars sync to phones and shared accounts. */
  title: string;
  description: string;
  location?: string;
  url?: string;
  organizer: { name: string; email: string };
  attendee?: { name: string; email: string };
};

const EMAIL = /^[^\s@"<>]+@[^\s@"<>]+\.[^\s@"<>]+$/;
const encoder = new TextEncoder();

const UID_DOMAIN = 'praxisraum';

/**
 * The UIDs of appointments' calendar entries: an HMAC of the appointment id under a server secret, so it stays the same
 * for every update and cancellation of that appointment (calendars match on it) but reveals nothing and cannot be
 * turned back into the id that call links use (issue 11, items 4 and 17). `purpose` keeps invitation and feed UIDs
 * apart. Rotating the secret changes every UID: entries already in calendars would then not be updated.
 */
export async function calendarUidSigner(secret: string, purpose: 'invite' | 'feed'): Promise<(appointmentId: string) => Promise<string>> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return async (appointmentId) => {
    const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(`ics-uid:${purpose}:${appointmentId}`)));
    return `${Array.from(mac.subarray(0, 16), (byte) => byte.toString(16).padStart(2, '0')).join('')}@${UID_DOMAIN}`;
  };
}

export async function calendarUid(secret: string, appointmentId: string): Promise<string> {
  return (await calendarUidSigner(secret, 'invite'))(appointmentId);
}

function utc(at: number): string {
  return new Date(at).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** TEXT values (§3.3.11): backslash, semicolon, comma and newlines are escaped. */
function text(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Quoted parameter values (§3.2) may not contain DQUOTE or control characters. */
function cn(name: string): string {
  return `"${name.replaceAll('"', "'").replace(/[\x00-\x1f]/g, ' ')}"`;
}

/** Content lines longer than 75 octets are folded with CRLF and a space (§3.1), never inside a UTF-8 sequence. */
function fold(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = encoder.encode(char).length;
    if (octets + size > (parts.length === 0 ? 75 : 74)) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

/**
 * An update or cancellation reuses the UID with a higher SEQUENCE, so calendar apps change or remove the entry they
 * already have instead of adding another.
 */
export function appointmentIcs(input: AppointmentIcsInput): string {
  for (const person of [input.organizer, input.attendee]) {
    if (person && !EMAIL.test(person.email)) throw new Error('Could not build the calendar file', { cause: 'invalid email address' });
  }
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Praxisraum//Appointments//EN',
    'CALSCALE:GREGORIAN',
    `METHOD:${input.method}`,
    'BEGIN:VEVENT',
    `UID:${input.uid}`,
    `SEQUENCE:${input.sequence}`,
    `DTSTAMP:${utc(input.stamp)}`,
    `DTSTART:${utc(input.start)}`,
    `DTEND:${utc(input.end)}`,
    `SUMMARY:${text(input.title)}`,
    `DESCRIPTION:${text(input.description)}`,
    ...(input.location ? [`LOCATION:${text(input.location)}`] : []),
    ...(input.url ? [`URL:${input.url}`] : []),
    `STATUS:${input.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED'}`,
    // Asks calendars that share free/busy or delegate access to hide the entry's details.
    'CLASS:PRIVATE',
    `ORGANIZER;CN=${cn(input.organizer.name)}:MAILTO:${input.organizer.email}`,
    ...(input.attendee
      ? [`ATTENDEE;CN=${cn(input.attendee.name)};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:${input.attendee.email}`]
      : []),
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return `${lines.map(fold).join('\r\n')}\r\n`;
}
