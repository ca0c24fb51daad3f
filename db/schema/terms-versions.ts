import { integer, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { CREATED_AT, type ColumnPrivacy, privacy, privateTable, ROW_ID } from '../privacy';
import { practices } from './practices';

// Old versions stay readable: a consent record points at the exact version and text hash the client accepted.
const TERMS: ColumnPrivacy = {
  category: 'consent',
  purpose: 'The practice’s booking terms and privacy notice (Art. 13 GDPR) as shown to clients',
  retention: 'For the life of the practice account, as evidence of what clients accepted',
  erasure: 'delete',
};

export const termsVersions = privateTable(
  'terms_versions',
  {
    id: privacy(text('id').primaryKey(), ROW_ID),
    practiceId: privacy(text('practice_id').notNull().references(() => practices.id, { onDelete: 'cascade' }), {
      ...TERMS,
      category: 'identifier',
    }),
    version: privacy(integer('version').notNull(), TERMS),
    text: privacy(text('text').notNull(), TERMS),
    sha256: privacy(text('sha256').notNull(), TERMS),
    createdAt: privacy(integer('created_at').notNull(), CREATED_AT),
  },
  (t) => [uniqueIndex('terms_versions_practice_version_uq').on(t.practiceId, t.version)],
);
