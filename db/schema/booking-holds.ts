import { index, integer, text } from 'drizzle-orm/sqlite-core';
import { CREATED_AT, type ColumnPrivacy, privacy, privateTable, ROW_ID } from '../privacy';
import { appointmentTypes } from './appointment-types';
import { practices } from './practices';

// A hold is a public booking whose address has not been proven yet. That someone asked for a therapist's time is
// health data (Art. 9 GDPR). It is never matched to a client: only the emailed confirmation proves control of the
// address, and only then does the booking join what the practice knows (workers/services/booking-confirm.ts).
const HOLD: ColumnPrivacy = {
  category: 'health',
  purpose: 'Holds a requested time until the person confirms the booking from their email',
  retention: 'Until confirmed or expired, then deleted by the cron an hour after it was made at the latest',
  erasure: 'delete',
};

export const bookingHolds = privateTable(
  'booking_holds',
  {
    id: privacy(text('id').primaryKey(), ROW_ID),
    practiceId: privacy(text('practice_id').notNull().references(() => practices.id, { onDelete: 'cascade' }), { ...HOLD, category: 'identifier' }),
    typeId: privacy(text('type_id').notNull().references(() => appointmentTypes.id, { onDelete: 'cascade' }), { ...HOLD, category: 'identifier' }),
    startAt: privacy(integer('start_at').notNull(), HOLD),
    endAt: privacy(integer('end_at').notNull(), HOLD),
    name: privacy(text('name').notNull(), { ...HOLD, category: 'name' }),
    email: privacy(text('email').notNull(), { ...HOLD, category: 'contact', purpose: 'Where the confirmation link goes; not matched to any client before confirmation' }),
    reminders: privacy(integer('reminders', { mode: 'boolean' }).notNull(), { ...HOLD, category: 'consent', purpose: 'Whether the person asked for reminders, recorded as consent on confirmation' }),
    termsVersion: privacy(integer('terms_version').notNull(), { ...HOLD, category: 'consent', purpose: 'The terms version the person accepted when booking' }),
    termsSha256: privacy(text('terms_sha256').notNull(), { ...HOLD, category: 'consent', purpose: 'The hash of the terms the person accepted when booking' }),
    method: privacy(text('method').notNull(), { ...HOLD, category: 'technical', purpose: 'Form or API, written into the consent record on confirmation' }),
    locale: privacy(text('locale').notNull(), { ...HOLD, category: 'technical', purpose: 'Language of the emails about this booking' }),
    tokenHash: privacy(text('token_hash').notNull().unique(), {
      ...HOLD,
      category: 'credential',
      exported: false,
      purpose: 'SHA-256 of the single-use confirmation link sent to the typed address',
    }),
    status: privacy(text('status', { enum: ['pending', 'confirmed', 'released'] }).notNull(), { ...HOLD, category: 'technical' }),
    expiresAt: privacy(integer('expires_at').notNull(), { ...HOLD, category: 'technical', purpose: 'When the held time is released unless confirmed' }),
    createdAt: privacy(integer('created_at').notNull(), CREATED_AT),
  },
  (t) => [index('booking_holds_practice_created_idx').on(t.practiceId, t.createdAt)],
);
