import { sql } from 'drizzle-orm';
import { check, integer, primaryKey, text } from 'drizzle-orm/sqlite-core';
import { CLIENT_LIMIT } from '../../workers/domain/booking-limits';
import { type ColumnPrivacy, privacy, privateTable } from '../privacy';
import { clients } from './clients';

// How many times a client booked today reveals that they see a therapist, so the count is treated like the
// appointments it counts (Art. 9 GDPR). It is kept no longer than the day it limits (Art. 5(1)(e)).
const WINDOW: ColumnPrivacy = {
  category: 'health',
  purpose: 'Counts a client’s online bookings per day, so one address cannot fill a calendar (abuse limit)',
  retention: 'Until the day has passed, then deleted by the cron; with the client at the latest',
  erasure: 'delete',
};

/**
 * The database's guarantee of the per-address limit. It is keyed by the client, whom the practice already knows by
 * exactly one address (clients_practice_email_uq), so it stores neither the address nor a hash of it: nothing that
 * could recognise an address again once the client is erased (Art. 5(1)(c), Art. 25 GDPR). Every online booking adds
 * one to its client's row of the current UTC day in the booking's batch; the CHECK fails the batch that would count
 * one more than allowed. Rows go with their client (cascade, and the erasure derived from client_id).
 */
export const clientBookingWindows = privateTable(
  'client_booking_windows',
  {
    clientId: privacy(text('client_id').notNull().references(() => clients.id, { onDelete: 'cascade' }), { ...WINDOW, category: 'identifier' }),
    windowStart: privacy(integer('window_start').notNull(), { ...WINDOW, category: 'technical', purpose: 'Start of the day counted (epoch ms, a whole UTC day)' }),
    bookings: privacy(integer('bookings').notNull(), WINDOW),
  },
  (t) => [
    primaryKey({ columns: [t.clientId, t.windowStart] }),
    check('client_booking_windows_within_limit', sql`${t.bookings} <= ${sql.raw(String(CLIENT_LIMIT.max))}`),
  ],
);
