import { integer, text } from 'drizzle-orm/sqlite-core';
import { CREATED_AT, type ColumnPrivacy, privacy, privateTable } from '../privacy';
import { practices } from './practices';

// The practice's note key, wrapped (AES-KW or AES-GCM) by a key derived in the browser from the passphrase, and
// separately by the recovery key shown once. Neither the passphrase nor the recovery key ever reaches the server.
const KEY: ColumnPrivacy = {
  category: 'credential',
  purpose: 'Lets the therapist’s browser unwrap the note key; useless without the passphrase or recovery key',
  retention: 'Until the practice account is deleted or the key is replaced',
  erasure: 'delete',
  exported: false,
};

export const noteKeys = privateTable('note_keys', {
  id: privacy(text('id').primaryKey(), { ...KEY, category: 'identifier', purpose: 'Key id referenced by notes', exported: true }),
  practiceId: privacy(text('practice_id').notNull().references(() => practices.id, { onDelete: 'cascade' }), { ...KEY, category: 'identifier', exported: true }),
  kdf: privacy(text('kdf', { mode: 'json' }).$type<Record<string, string | number>>().notNull(), { ...KEY, category: 'technical', purpose: 'Key-derivation parameters and salt for the passphrase', exported: true }),
  wrappedByPassphrase: privacy(text('wrapped_by_passphrase').notNull(), KEY),
  wrappedByRecovery: privacy(text('wrapped_by_recovery').notNull(), KEY),
  createdAt: privacy(integer('created_at').notNull(), CREATED_AT),
});
