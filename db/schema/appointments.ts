import { index, integer, text } from 'drizzle-orm/sqlite-core';
import { CREATED_AT, type ColumnPrivacy, privacy, privateTable, ROW_ID } from '../privacy';
import { appointmentTypes } from './appointment-types';
import { clients } from './clients';
import { practices } from './practices';

// That someone sees a therapist is health data (Art. 9 GDPR), so every appointment column is treated as such.
const APPOINTMENT: ColumnPrivacy = {
  category: 'health',
  purpose: 'Holding and managing the booked appointment',
  retention: 'Until the client or the practice account is deleted; treatment documentation duties are the practice’s',
  erasure: 'delete',
};
const SECRET: ColumnPrivacy = { ...APPOINTMENT, category: 'credential', exported: false };

export const appointments = privateTable(
  'appointments',
  {
    id: privacy(text('id').primaryKey(), ROW_ID),
    practiceId: privacy(text('practice_id').notNull().references(() => practices.id, { onDelete: 'cascade' }), {
      ...APPOINTMENT,
      category: 'identifier',
    }),
    clientId: privacy(text('client_id').notNull().references(() => clients.id, { onDelete: 'cascade' }), {
      ...APPOINTMENT,
      category: 'identifier',
    }),
    typeId: privacy(text('type_id').notNull().references(() => appointmentTypes.id), { ...APPOINTMENT, category: 'identifier' }),
    startAt: privacy(integer('start_at').notNull(), APPOINTMENT),
    endAt: privacy(integer('end_at').notNull(), APPOINTMENT),
    status: privacy(text('status', { enum: ['booked', 'cancelled', 'completed', 'no_show'] }).notNull(), APPOINTMENT),
    sequence: privacy(integer('sequence').notNull().default(0), {
      ...APPOINTMENT,
      category: 'technical',
      purpose: 'Calendar revision number (RFC 5545 SEQUENCE) for updates and cancellations',
    }),
    manageTokenHash: privacy(text('manage_token_hash').notNull().unique(), {
      ...SECRET,
      purpose: 'SHA-256 of the emailed link token that lets the client cancel, reschedule or withdraw consent',
    }),
    accessCodeHash: privacy(text('access_code_hash'), {
      ...SECRET,
      purpose: 'Keyed hash (HMAC-SHA-256, per-appointment salt) of the access code for a video appointment',
    }),
    consentRecordId: privacy(text('consent_record_id'), {
      ...APPOINTMENT,
      category: 'identifier',
      purpose: 'The consent record written with an online booking, for the client’s receipt (empty when the therapist booked)',
    }),
    accessCodeFailures: privacy(integer('access_code_failures').notNull().default(0), {
      ...APPOINTMENT,
      category: 'technical',
      purpose: 'Access code attempts in the current throttle window: limits guessing (no network addresses are kept)',
    }),
    accessCodeWindowStart: privacy(integer('access_code_window_start').notNull().default(0), {
      ...APPOINTMENT,
      category: 'technical',
      purpose: 'Start of the current access code throttle window (a slowing window, never a permanent lock)',
    }),
    linkKeySeed: privacy(text('link_key_seed'), {
      ...SECRET,
      purpose: 'Random seed of the call link key (the key is an HMAC of it under the deployment secret, sent only in the emailed link)',
    }),
    linkKeyFailures: privacy(integer('link_key_failures').notNull().default(0), {
      ...APPOINTMENT,
      category: 'technical',
      purpose: 'Access code attempts with the call link key in the current window: the client keeps a window strangers cannot fill',
    }),
    linkKeyWindowStart: privacy(integer('link_key_window_start').notNull().default(0), {
      ...APPOINTMENT,
      category: 'technical',
      purpose: 'Start of the current throttle window for attempts that bring the call link key (never a permanent lock)',
    }),
    reminderSentAt: privacy(integer('reminder_sent_at'), {
      ...APPOINTMENT,
      category: 'technical',
      purpose: 'Makes the reminder go out exactly once',
    }),
    cancelledAt: privacy(integer('cancelled_at'), APPOINTMENT),
    createdAt: privacy(integer('created_at').notNull(), CREATED_AT),
  },
  (t) => [index('appointments_practice_start_idx').on(t.practiceId, t.startAt), index('appointments_client_idx').on(t.clientId)],
);
