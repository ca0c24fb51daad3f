import { integer, primaryKey, text } from 'drizzle-orm/sqlite-core';
import { privacy, privateTable } from '../privacy';
import { appointments } from './appointments';
import { practices } from './practices';

/**
 * The database's guarantee against double booking: every booked appointment claims each 5-minute bucket of its time
 * including buffers, and the primary key lets only one appointment hold a bucket. Concurrent requests for overlapping
 * times cannot both commit, whatever their types or buffers.
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
    appointmentId: privacy(text('appointment_id').notNull().references(() => appointments.id, { onDelete: 'cascade' }), CLAIM),
  },
  (t) => [primaryKey({ columns: [t.practiceId, t.bucket] })],
);
