import { integer, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { CREATED_AT, privacy, privateTable, ROW_ID } from '../privacy';
import { practices } from './practices';

// A client may be known by initials or a nickname only; the email is optional (therapists can invite through any channel).
const CLIENT = 'Until the practice deletes the client, the client has the data erased, or the practice account is deleted';

export const clients = privateTable(
  'clients',
  {
    id: privacy(text('id').primaryKey(), ROW_ID),
    practiceId: privacy(text('practice_id').notNull().references(() => practices.id, { onDelete: 'cascade' }), {
      category: 'identifier',
      purpose: 'The practice (controller) the client belongs to',
      retention: CLIENT,
      erasure: 'delete',
    }),
    displayName: privacy(text('display_name').notNull(), {
      category: 'name',
      purpose: 'How the therapist recognises the client: a name, initials or a nickname',
      retention: CLIENT,
      erasure: 'delete',
    }),
    email: privacy(text('email'), {
      category: 'contact',
      purpose: 'Booking confirmations, cancellations and, with consent, reminders',
      retention: CLIENT,
      erasure: 'delete',
    }),
    active: privacy(integer('active', { mode: 'boolean' }).notNull().default(true), {
      category: 'technical',
      purpose: 'Inactive clients are kept but hidden from daily lists',
      retention: CLIENT,
      erasure: 'delete',
    }),
    restrictedAt: privacy(integer('restricted_at'), {
      category: 'technical',
      purpose: 'Restriction of processing (Art. 18 GDPR): no booking, no emails while set',
      retention: CLIENT,
      erasure: 'delete',
    }),
    objectedAt: privacy(integer('objected_at'), {
      category: 'technical',
      purpose: 'Objection to processing (Art. 21 GDPR): no booking, no emails while set',
      retention: CLIENT,
      erasure: 'delete',
    }),
    createdAt: privacy(integer('created_at').notNull(), CREATED_AT),
  },
  // One client per address within a practice: a returning client is matched, never duplicated.
  (t) => [uniqueIndex('clients_practice_email_uq').on(t.practiceId, t.email)],
);
