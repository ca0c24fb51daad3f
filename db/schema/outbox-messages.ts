import { integer, text } from 'drizzle-orm/sqlite-core';
import { privacy, privateTable, ROW_ID } from '../privacy';

// Only used when no RESEND_API_KEY is configured (local development and tests); production sends through Resend.
const DEV_ONLY = 'Local development only; cleared with the local database';

export const outboxMessages = privateTable('outbox_messages', {
  id: privacy(text('id').primaryKey(), ROW_ID),
  recipient: privacy(text('recipient').notNull(), {
    category: 'contact',
    purpose: 'Address the message would have been sent to',
    retention: DEV_ONLY,
    erasure: 'delete',
  }),
  subject: privacy(text('subject').notNull(), {
    category: 'contact',
    purpose: 'Subject line of the message',
    retention: DEV_ONLY,
    erasure: 'delete',
  }),
  textBody: privacy(text('text_body').notNull(), {
    category: 'contact',
    purpose: 'Plain-text body of the message',
    retention: DEV_ONLY,
    erasure: 'delete',
  }),
  htmlBody: privacy(text('html_body').notNull(), {
    category: 'contact',
    purpose: 'HTML body of the message',
    retention: DEV_ONLY,
    erasure: 'delete',
  }),
  attachments: privacy(text('attachments', { mode: 'json' }).$type<{ filename: string; contentType: string }[]>().notNull(), {
    category: 'technical',
    purpose: 'Names and types of attachments (their content is not kept)',
    retention: DEV_ONLY,
    erasure: 'delete',
  }),
  sentAt: privacy(integer('sent_at').notNull(), {
    category: 'technical',
    purpose: 'When the message was handed to the outbox',
    retention: DEV_ONLY,
    erasure: 'delete',
  }),
});
