import type { EmailAttachment } from '../workers/services/mailer';
import { base64Utf8, type htmlDocument } from './render';

// Shared by the booking emails: each builds one list of paragraphs and renders it as both HTML and plain text.

export type Paragraph = Parameters<typeof htmlDocument>[2][number];

/**
 * Subject lines show on lock screens and in shared inboxes, and a practice name such as "Psychotherapie …" reveals
 * treatment (Art. 9 GDPR): subjects are neutral unless the practice opted in to its name (settings).
 */
export function subjectLine(neutral: string, practice: { practiceName: string; nameInSubject?: boolean | undefined }): string {
  return practice.nameInSubject ? `${neutral} – ${practice.practiceName}` : neutral;
}

export function plainText(paragraphs: Paragraph[]): string {
  return `${paragraphs.map((p) => (typeof p === 'string' ? p : `${p.label}: ${p.link}`)).join('\n\n')}\n`;
}

/** The Content-Type method must match the METHOD inside the file (RFC 6047), or mail clients ignore it. */
export function calendarAttachment(ics: string, method: 'REQUEST' | 'CANCEL'): EmailAttachment {
  return { filename: 'appointment.ics', contentType: `text/calendar; method=${method}`, content: base64Utf8(ics) };
}
