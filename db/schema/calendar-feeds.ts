import { integer, text } from 'drizzle-orm/sqlite-core';
import { CREATED_AT, type ColumnPrivacy, privacy, privateTable, ROW_ID } from '../privacy';
import { practices } from './practices';

const FEED: ColumnPrivacy = {
  category: 'technical',
  purpose: 'Private calendar subscription of the therapist’s own appointments',
  retention: 'Until revoked or the practice account is deleted',
  erasure: 'delete',
};

export const calendarFeeds = privateTable('calendar_feeds', {
  id: privacy(text('id').primaryKey(), ROW_ID),
  practiceId: privacy(text('practice_id').notNull().references(() => practices.id, { onDelete: 'cascade' }), { ...FEED, category: 'identifier' }),
  tokenHash: privacy(text('token_hash').notNull().unique(), { ...FEED, category: 'credential', purpose: 'SHA-256 of the secret feed URL token', exported: false }),
  includeNames: privacy(integer('include_names', { mode: 'boolean' }).notNull().default(false), { ...FEED, purpose: 'Whether client names appear in the feed (off unless the therapist turns it on)' }),
  revokedAt: privacy(integer('revoked_at'), FEED),
  createdAt: privacy(integer('created_at').notNull(), CREATED_AT),
});
