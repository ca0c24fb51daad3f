import { index, integer, text } from 'drizzle-orm/sqlite-core';
import { CREATED_AT, privacy, privateTable, ROW_ID } from '../privacy';
import { users } from './users';

const CONFIRMATION_LIFETIME = 'Deleted when used, or by the cleanup cron once expired';

/** Single-use links that prove the owner of a new account controls its email address. */
export const emailConfirmations = privateTable(
  'email_confirmations',
  {
    id: privacy(text('id').primaryKey(), ROW_ID),
    userId: privacy(text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }), {
      category: 'identifier',
      purpose: 'The account whose address the link confirms',
      retention: CONFIRMATION_LIFETIME,
      erasure: 'delete',
    }),
    tokenHash: privacy(text('token_hash').notNull().unique(), {
      category: 'credential',
      purpose: 'SHA-256 of the emailed single-use confirmation token',
      retention: CONFIRMATION_LIFETIME,
      erasure: 'delete',
      exported: false,
    }),
    expiresAt: privacy(integer('expires_at').notNull(), {
      category: 'technical',
      purpose: 'The link works for 24 hours only',
      retention: CONFIRMATION_LIFETIME,
      erasure: 'delete',
    }),
    createdAt: privacy(integer('created_at').notNull(), CREATED_AT),
  },
  (t) => [index('email_confirmations_user_idx').on(t.userId)],
);
