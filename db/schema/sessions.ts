import { index, integer, text } from 'drizzle-orm/sqlite-core';
import { CREATED_AT, privacy, privateTable, ROW_ID } from '../privacy';
import { users } from './users';

const SESSION_LIFETIME = 'At most 12 hours; deleted at sign-out or by the cleanup cron';

export const sessions = privateTable(
  'sessions',
  {
    id: privacy(text('id').primaryKey(), ROW_ID),
    userId: privacy(text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }), {
      category: 'identifier',
      purpose: 'The signed-in account',
      retention: SESSION_LIFETIME,
      erasure: 'delete',
    }),
    tokenHash: privacy(text('token_hash').notNull().unique(), {
      category: 'credential',
      purpose: 'SHA-256 of the session cookie; the token itself is never stored',
      retention: SESSION_LIFETIME,
      erasure: 'delete',
      exported: false,
    }),
    createdAt: privacy(integer('created_at').notNull(), CREATED_AT),
    lastSeenAt: privacy(integer('last_seen_at').notNull(), {
      category: 'technical',
      purpose: 'Ends the session after 30 minutes without activity',
      retention: SESSION_LIFETIME,
      erasure: 'delete',
    }),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);
