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
  retention: 'As long as the client’s data is processed, then erased with the client',
  erasure: 'delete',
};

export const consentRecords = privateTable(
  'consent_records',
  {
    id: privacy(text('id').primaryKey(), ROW_ID),
    practiceId: privacy(text('practice_id').notNull().references(() => practices.id, { onDelete: 'cascade' }), { ...EVIDENCE, category: 'identifier' }),
    clientId: privacy(text('client_id').notNull().references(() => clients.id, { onDelete: 'cascade' }), { ...EVIDENCE, category: 'identifier' }),
    seq: privacy(integer('seq').notNull(), { ...EVIDENCE, purpose: 'Position in the practice’s chain; gaps reveal removed records' }),
    kind: privacy(text('kind', { enum: ['given', 'withdrawn'] }).notNull(), EVIDENCE),
    purposes: privacy(text('purposes', { mode: 'json' }).$type<('booking' | 'reminders')[]>().notNull(), EVIDENCE),
    termsVersion: privacy(integer('terms_version').notNull(), EVIDENCE),
    termsSha256: privacy(text('terms_sha256').notNull(), EVIDENCE),
    method: privacy(text('method').notNull(), { ...EVIDENCE, purpose: 'How consent was given or withdrawn (form, API, link)' }),
    at: privacy(integer('at').notNull(), EVIDENCE),
    prevHash: privacy(text('prev_hash'), { ...EVIDENCE, purpose: 'Hash of the practice’s previous record (tamper evidence), set when sealed' }),
    recordHash: privacy(text('record_hash'), { ...EVIDENCE, purpose: 'Hash of this record including the previous hash; empty until sealed' }),
  },
  (t) => [uniqueIndex('consent_records_practice_seq_uq').on(t.practiceId, t.seq), index('consent_records_client_idx').on(t.clientId)],
);
