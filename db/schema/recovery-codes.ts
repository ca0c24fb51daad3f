import { index, integer, text } from 'drizzle-orm/sqlite-core';
import { CREATED_AT, privacy, privateTable, ROW_ID } from '../privacy';
import { users } from './users';

export const recoveryCodes = privateTable(
  'recovery_codes',
  {
    id: privacy(text('id').primaryKey(), ROW_ID),
    userId: privacy(text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }), {
      category: 'identifier',
      purpose: 'The account the recovery code belongs to',
      retention: 'Until the second factor is removed or re-enrolled',
      erasure: 'delete',
    }),
    codeHash: privacy(text('code_hash').notNull().unique(), {
      category: 'credential',
      purpose: 'SHA-256 of a single-use recovery code for a lost authenticator',
      retention: 'Until used or the second factor is re-enrolled',
      erasure: 'delete',
      exported: false,
    }),
    usedAt: privacy(integer('used_at'), {
      category: 'technical',
      purpose: 'Makes each recovery code single-use',
      retention: 'Until the second factor is removed or re-enrolled',
      erasure: 'delete',
    }),
    createdAt: privacy(integer('created_at').notNull(), CREATED_AT),
  },
  (t) => [index('recovery_codes_user_idx').on(t.userId)],
);
