import { sql } from 'drizzle-orm';
import { check, integer, primaryKey, text } from 'drizzle-orm/sqlite-core';
import { privacy, privateTable } from '../privacy';
import { appointments } from './appointments';
import { bookingHolds } from './booking-holds';
import { practices } from './practices';

/**
 * The database's guarantee against double booking: every booked appointment claims each 5-minute bucket of its time
 * including buffers, and the primary key lets only one appointment hold a bucket. Concurrent requests for overlapping
 * times cannot both commit, whatever their types or buffers. An unconfirmed public booking (a hold) claims its time
 * through the same key, so a hold and a booking can never overlap either; confirming moves the claims to the
 * appointment, and an expired hold's claims count for nothing (workers/services/availability.ts).
 */
export const BUCKET_MS = 5 * 60 * 1000;

const CLAIM = {
  category: 'technical',
  purpose: 'Reserves the practice’s time so no two appointments overlap',
  retention: 'Until the appointment is cancelled or deleted',
  erasure: 'delete',
} as const;

export const appointmentSlots = privateTable(
  'appointment_slots',
  {
    practiceId: privacy(text('practice_id').notNull().references(() => practices.id, { onDelete: 'cascade' }), CLAIM),
    bucket: privacy(integer('bucket').notNull(), CLAIM),
    appointmentId: privacy(text('appointment_id').references(() => appointments.id, { onDelete: 'cascade' }), CLAIM),
    holdId: privacy(text('hold_id').references(() => bookingHolds.id, { onDelete: 'cascade' }), CLAIM),
  },
  (t) => [
    primaryKey({ columns: [t.practiceId, t.bucket] }),
    check('appointment_slots_one_owner', sql`(${t.appointmentId} IS NULL) <> (${t.holdId} IS NULL)`),
  ],
);
