import type { Database } from '../../db/client';
import { outboxMessages } from '../../db/schema';
import { newId } from '../lib/crypto';

export type EmailAttachment = { filename: string; contentType: string; content: string };
export type OutgoingEmail = {
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments?: EmailAttachment[];
};

export interface Mailer {
  send(email: OutgoingEmail): Promise<void>;
}

export const RESEND_ENDPOINT = 'https://api.resend.com/emails';

/** Builds the exact request Resend receives; exported so tests can check it byte for byte. */
export function resendRequest(email: OutgoingEmail, apiKey: string, from: string): Request {
  const body = {
    from,
    to: [email.to],
    subject: email.subject,
    text: email.text,
    html: email.html,
    ...(email.attachments?.length
      ? {
          attachments: email.attachments.map((a) => ({
            filename: a.filename,
            content: a.content,
            content_type: a.contentType,
          })),
        }
      : {}),
  };
  return new Request(RESEND_ENDPOINT, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

export function resendMailer(options: { apiKey: string; from: string; fetch: typeof fetch }): Mailer {
  return {
    async send(email) {
      const response = await options.fetch(resendRequest(email, options.apiKey, options.from));
      // The recipient address stays out of the message: logs never carry personal data.
      if (!response.ok) throw new Error(`Resend refused the message with status ${response.status}`);
    },
  };
}

/** Local development and tests: messages land in a table that /dev/outbox shows. Never used in production. */
export function outboxMailer(db: Database, now: () => number): Mailer {
  return {
    async send(email) {
      await db.insert(outboxMessages).values({
        id: newId(),
        recipient: email.to,
        subject: email.subject,
        textBody: email.text,
        htmlBody: email.html,
        attachments: (email.attachments ?? []).map(({ filename, contentType }) => ({ filename, contentType })),
        sentAt: now(),
      });
    },
  };
}
