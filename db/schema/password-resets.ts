import { index, integer, text } from 'drizzle-orm/sqlite-core';
import { CREATED_AT, privacy, privateTable, ROW_ID } from '../privacy';
import { users } from './users';

const RESET_LIFETIME = 'Deleted by the cleanup cron once expired or used';

export const passwordResets = privateTable(
  'password_resets',
  {
    id: privacy(text('id').primaryKey(), ROW_ID),
    userId: privacy(text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }), {
      category: 'identifier',
      purpose: 'The account whose password may be reset',
      retention: RESET_LIFETIME,
      erasure: 'delete',
    }),
    tokenHash: privacy(text('token_hash').notNull().unique(), {
      category: 'credential',
      purpose: 'SHA-256 of the emailed single-use link token',
      retention: RESET_LIFETIME,
      erasure: 'delete',
      exported: false,
    }),
    expiresAt: privacy(integer('expires_at').notNull(), {
      category: 'technical',
      purpose: 'The link works for 30 minutes only',
      retention: RESET_LIFETIME,
      erasure: 'delete',
    }),
    usedAt: privacy(integer('used_at'), {
      category: 'technical',
      purpose: 'Makes the link single-use',
      retention: RESET_LIFETIME,
      erasure: 'delete',
    }),
    codeAttempts: privacy(integer('code_attempts').notNull().default(0), {
      category: 'technical',
      purpose: 'Wrong second-factor codes typed with this link; the link stops working after three',
      retention: RESET_LIFETIME,
      erasure: 'delete',
    }),
    createdAt: privacy(integer('created_at').notNull(), CREATED_AT),
  },
  (t) => [index('password_resets_user_idx').on(t.userId)],
);
