import { integer, text } from 'drizzle-orm/sqlite-core';
import { privacy, privateTable, ROW_ID } from '../privacy';
import { practices } from './practices';
import { users } from './users';

// Art. 28(3) GDPR: the processing agreement must be in place before we process data for the practice.
// Append-only (triggers in the migrations refuse UPDATE and DELETE except through the practice's deletion).
const EVIDENCE = 'For the life of the practice account, as evidence of the processing agreement';

export const dpaAcceptances = privateTable('dpa_acceptances', {
  id: privacy(text('id').primaryKey(), ROW_ID),
  practiceId: privacy(text('practice_id').notNull().references(() => practices.id, { onDelete: 'cascade' }), {
    category: 'identifier',
    purpose: 'The practice (controller) that concluded the agreement',
    retention: EVIDENCE,
    erasure: 'delete',
  }),
  userId: privacy(text('user_id').references(() => users.id, { onDelete: 'cascade' }), {
    category: 'identifier',
    purpose: 'Who accepted the agreement on the practice’s behalf',
    retention: EVIDENCE,
    erasure: 'delete',
  }),
  version: privacy(text('version').notNull(), {
    category: 'consent',
    purpose: 'Which version of the agreement was accepted',
    retention: EVIDENCE,
    erasure: 'delete',
  }),
  textSha256: privacy(text('text_sha256').notNull(), {
    category: 'consent',
    purpose: 'SHA-256 of the exact text accepted, so the wording can be proven later',
    retention: EVIDENCE,
    erasure: 'delete',
  }),
  acceptedAt: privacy(integer('accepted_at').notNull(), {
    category: 'consent',
    purpose: 'When the agreement was accepted',
    retention: EVIDENCE,
    erasure: 'delete',
  }),
});
