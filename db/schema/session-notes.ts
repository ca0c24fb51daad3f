import { index, integer, text } from 'drizzle-orm/sqlite-core';
import { CREATED_AT, type ColumnPrivacy, privacy, privateTable, ROW_ID } from '../privacy';
import { appointments } from './appointments';
import { clients } from './clients';
import { practices } from './practices';

// Zero knowledge: notes are encrypted in the therapist's browser (AES-GCM) with a practice key the server never sees.
// The server keeps ciphertext it cannot read; treatment documentation is health data (Art. 9 GDPR).
const NOTE: ColumnPrivacy = {
  category: 'health',
  purpose: 'Encrypted session note that only the therapist can decrypt',
  retention: 'Until the therapist deletes it, the client is erased, or the practice account is deleted',
  erasure: 'delete',
};

export const sessionNotes = privateTable(
  'session_notes',
  {
    id: privacy(text('id').primaryKey(), ROW_ID),
    practiceId: privacy(text('practice_id').notNull().references(() => practices.id, { onDelete: 'cascade' }), { ...NOTE, category: 'identifier' }),
    clientId: privacy(text('client_id').notNull().references(() => clients.id, { onDelete: 'cascade' }), { ...NOTE, category: 'identifier' }),
    appointmentId: privacy(text('appointment_id').references(() => appointments.id, { onDelete: 'set null' }), { ...NOTE, category: 'identifier' }),
    keyId: privacy(text('key_id').notNull(), { ...NOTE, category: 'technical', purpose: 'Which practice key encrypted the note' }),
    iv: privacy(text('iv').notNull(), { ...NOTE, category: 'technical', purpose: 'AES-GCM nonce of the note (base64)' }),
    ciphertext: privacy(text('ciphertext').notNull(), NOTE),
    createdAt: privacy(integer('created_at').notNull(), CREATED_AT),
  },
  (t) => [index('session_notes_client_idx').on(t.practiceId, t.clientId)],
);
