import { integer, text } from 'drizzle-orm/sqlite-core';
import { CREATED_AT, type ColumnPrivacy, privacy, privateTable } from '../privacy';
import { practices } from './practices';

// The practice's note key, wrapped (AES-KW or AES-GCM) by a key derived in the browser from the passphrase, and
// separately by the recovery key shown once. Neither the passphrase nor the recovery key ever reaches the server.
// Exported with the notes (Art. 20): without them the exported ciphertext could never be decrypted, and without the
// passphrase or recovery key they reveal nothing.
const KEY: ColumnPrivacy = {
  category: 'technical',
  purpose: 'Lets the therapist’s browser unwrap the note key; useless without the passphrase or recovery key',
  retention: 'Until the practice account is deleted or the key is replaced',
  erasure: 'delete',
};

export const noteKeys = privateTable('note_keys', {
  id: privacy(text('id').primaryKey(), { ...KEY, category: 'identifier', purpose: 'Key id referenced by notes' }),
  practiceId: privacy(text('practice_id').notNull().references(() => practices.id, { onDelete: 'cascade' }), { ...KEY, category: 'identifier' }),
  kdf: privacy(text('kdf', { mode: 'json' }).$type<Record<string, string | number>>().notNull(), { ...KEY, purpose: 'Key-derivation parameters and salt for the passphrase' }),
  wrappedByPassphrase: privacy(text('wrapped_by_passphrase').notNull(), KEY),
  wrappedByRecovery: privacy(text('wrapped_by_recovery').notNull(), KEY),
  createdAt: privacy(integer('created_at').notNull(), CREATED_AT),
});
