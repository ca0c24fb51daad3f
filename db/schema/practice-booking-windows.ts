import { sql } from 'drizzle-orm';
import { check, integer, primaryKey, text } from 'drizzle-orm/sqlite-core';
import { PRACTICE_LIMIT } from '../../workers/domain/booking-limits';
import { type ColumnPrivacy, privacy, privateTable } from '../privacy';
import { practices } from './practices';

const WINDOW: ColumnPrivacy = {
  category: 'technical',
  purpose: 'Counts a practice’s online bookings per hour, so a flood of bookings is refused (abuse limit)',
  retention: 'Until the hour has passed, then deleted by the cron',
  erasure: 'delete',
};

/**
 * The database's guarantee of the per-practice limit: every online booking adds one to its practice's row of the
 * current hour in the booking's batch, and the CHECK fails the batch that would count one more than allowed, so
 * concurrent requests cannot all pass. The limit is part of the schema: changing it needs a generated migration.
 */
export const practiceBookingWindows = privateTable(
  'practice_booking_windows',
  {
    practiceId: privacy(text('practice_id').notNull().references(() => practices.id, { onDelete: 'cascade' }), { ...WINDOW, category: 'identifier' }),
    windowStart: privacy(integer('window_start').notNull(), { ...WINDOW, purpose: 'Start of the hour counted (epoch ms, a whole UTC hour)' }),
    bookings: privacy(integer('bookings').notNull(), WINDOW),
  },
  (t) => [
    primaryKey({ columns: [t.practiceId, t.windowStart] }),
    check('practice_booking_windows_within_limit', sql`${t.bookings} <= ${sql.raw(String(PRACTICE_LIMIT.max))}`),
  ],
);
