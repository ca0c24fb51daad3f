import { index, integer, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { type ColumnPrivacy, privacy, privateTable, ROW_ID } from '../privacy';
import { clients } from './clients';
import { practices } from './practices';

// Art. 7(1) GDPR: the practice must be able to demonstrate consent. Append-only (trigger) and hash-chained per practice.
// The position (seq) is assigned inside the writing batch; the hashes are sealed right after, in seq order, so that
// concurrent bookings never contend on the chain.
const EVIDENCE: ColumnPrivacy = {
  category: 'consent',
  purpose: 'Evidence of a consent given or withdrawn',
  retention: 'For the life of the practice account; after a client’s erasure without any link to the person',
  erasure: 'keep-legal-duty',
};

export const consentRecords = privateTable(
  'consent_records',
  {
    id: privacy(text('id').primaryKey(), ROW_ID),
    practiceId: privacy(text('practice_id').notNull().references(() => practices.id, { onDelete: 'cascade' }), { ...EVIDENCE, category: 'identifier' }),
    // Erasing a client redacts this reference (set null); the record's hashes keep the chain verifiable.
    clientId: privacy(text('client_id').references(() => clients.id, { onDelete: 'set null' }), {
      ...EVIDENCE,
      category: 'identifier',
      erasure: 'anonymise',
      purpose: 'The client who gave or withdrew consent; removed when the client is erased',
    }),
    seq: privacy(integer('seq').notNull(), { ...EVIDENCE, purpose: 'Position in the practice’s chain; gaps reveal removed records' }),
    kind: privacy(text('kind', { enum: ['given', 'withdrawn'] }).notNull(), EVIDENCE),
    purposes: privacy(text('purposes', { mode: 'json' }).$type<('booking' | 'reminders')[]>().notNull(), EVIDENCE),
    termsVersion: privacy(integer('terms_version').notNull(), EVIDENCE),
    termsSha256: privacy(text('terms_sha256').notNull(), EVIDENCE),
    method: privacy(text('method').notNull(), { ...EVIDENCE, purpose: 'How consent was given or withdrawn (form, API, link)' }),
    at: privacy(integer('at').notNull(), EVIDENCE),
    contentHash: privacy(text('content_hash').notNull(), { ...EVIDENCE, purpose: 'Hash of what was agreed, fixed when written' }),
    prevHash: privacy(text('prev_hash'), { ...EVIDENCE, purpose: 'Hash of the practice’s previous record (tamper evidence), set when sealed' }),
    recordHash: privacy(text('record_hash'), { ...EVIDENCE, purpose: 'Hash of position, previous hash and content hash; empty until sealed' }),
  },
  (t) => [uniqueIndex('consent_records_practice_seq_uq').on(t.practiceId, t.seq), index('consent_records_client_idx').on(t.clientId)],
);
