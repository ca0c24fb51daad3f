import { index, integer, text } from 'drizzle-orm/sqlite-core';
import { CREATED_AT, type ColumnPrivacy, privacy, privateTable, ROW_ID } from '../privacy';
import { clients } from './clients';
import { practices } from './practices';

// Data-subject requests (Art. 12–22 GDPR). Kept as evidence that each was answered in time (Art. 5(2), 12(3)).
const REQUEST: ColumnPrivacy = {
  category: 'audit',
  purpose: 'Handling a data-subject request and proving it was answered in time',
  retention: 'Three years after completion (limitation period), then deleted by the cron; unverified requests after 7 days',
  erasure: 'keep-legal-duty',
};

export const RIGHTS_TYPES = ['access', 'export', 'rectification', 'erasure', 'restriction', 'objection', 'withdrawal'] as const;
export const RIGHTS_STATUSES = ['awaiting_verification', 'needs_in_person', 'verified', 'in_progress', 'extended', 'completed', 'rejected'] as const;

export const rightsRequests = privateTable(
  'rights_requests',
  {
    id: privacy(text('id').primaryKey(), ROW_ID),
    practiceId: privacy(text('practice_id').notNull().references(() => practices.id, { onDelete: 'cascade' }), { ...REQUEST, category: 'identifier' }),
    clientId: privacy(text('client_id').references(() => clients.id, { onDelete: 'set null' }), {
      ...REQUEST,
      category: 'identifier',
      erasure: 'anonymise',
      purpose: 'The client the request turned out to concern, once identity is verified',
    }),
    types: privacy(text('types', { mode: 'json' }).$type<(typeof RIGHTS_TYPES)[number][]>().notNull(), REQUEST),
    email: privacy(text('email').notNull(), { ...REQUEST, category: 'contact', purpose: 'Where to verify identity and send the answer', erasure: 'anonymise' }),
    details: privacy(text('details'), { ...REQUEST, category: 'contact', purpose: 'What the subject wrote (e.g. the correction wanted)', erasure: 'anonymise' }),
    locale: privacy(text('locale').notNull(), { ...REQUEST, category: 'technical', purpose: 'Language of the answer' }),
    status: privacy(text('status', { enum: RIGHTS_STATUSES }).notNull(), REQUEST),
    receivedAt: privacy(integer('received_at').notNull(), REQUEST),
    dueAt: privacy(integer('due_at').notNull(), { ...REQUEST, purpose: 'Statutory deadline: one month from receipt (Art. 12(3))' }),
    extendedDueAt: privacy(integer('extended_due_at'), { ...REQUEST, purpose: 'Deadline after an extension of up to two further months' }),
    extensionReason: privacy(text('extension_reason'), REQUEST),
    verifyTokenHash: privacy(text('verify_token_hash').unique(), { ...REQUEST, category: 'credential', purpose: 'SHA-256 of the single-use verification link', exported: false }),
    verifyExpiresAt: privacy(integer('verify_expires_at'), { ...REQUEST, category: 'technical' }),
    verifiedAt: privacy(integer('verified_at'), REQUEST),
    completedAt: privacy(integer('completed_at'), REQUEST),
    outcome: privacy(text('outcome'), { ...REQUEST, purpose: 'Rejection reason or summary of the answer (no personal content)' }),
    createdAt: privacy(integer('created_at').notNull(), CREATED_AT),
  },
  (t) => [index('rights_requests_status_idx').on(t.status, t.dueAt), index('rights_requests_practice_idx').on(t.practiceId)],
);

export const rightsRequestEvents = privateTable(
  'rights_request_events',
  {
    id: privacy(text('id').primaryKey(), ROW_ID),
    requestId: privacy(text('request_id').notNull().references(() => rightsRequests.id, { onDelete: 'cascade' }), { ...REQUEST, category: 'identifier' }),
    at: privacy(integer('at').notNull(), REQUEST),
    actor: privacy(text('actor', { enum: ['subject', 'dpo', 'practice', 'system'] }).notNull(), REQUEST),
    action: privacy(text('action').notNull(), { ...REQUEST, purpose: 'What was done, as a fixed code' }),
    note: privacy(text('note'), { ...REQUEST, category: 'organisational', purpose: 'Comment of the DPO or the practice; no health content', erasure: 'anonymise' }),
  },
  (t) => [index('rights_request_events_request_idx').on(t.requestId, t.at)],
);

/** Expiring, single-use links for delivering an access or export package. */
export const downloadLinks = privateTable('download_links', {
  id: privacy(text('id').primaryKey(), ROW_ID),
  requestId: privacy(text('request_id').notNull().references(() => rightsRequests.id, { onDelete: 'cascade' }), { ...REQUEST, category: 'identifier' }),
  tokenHash: privacy(text('token_hash').notNull().unique(), { ...REQUEST, category: 'credential', purpose: 'SHA-256 of the download link token', exported: false }),
  format: privacy(text('format', { enum: ['json', 'csv', 'fhir'] }).notNull(), { ...REQUEST, category: 'technical' }),
  expiresAt: privacy(integer('expires_at').notNull(), { ...REQUEST, category: 'technical', retention: 'Deleted by the cron once expired or used' }),
  usedAt: privacy(integer('used_at'), { ...REQUEST, category: 'technical', retention: 'Deleted by the cron once expired or used' }),
  createdAt: privacy(integer('created_at').notNull(), CREATED_AT),
});
