import { sql } from 'drizzle-orm';
import { check, integer, text } from 'drizzle-orm/sqlite-core';
import { type ColumnPrivacy, privacy, privateTable } from '../privacy';
import { practices } from './practices';

const GATE: ColumnPrivacy = {
  category: 'technical',
  purpose: 'Counts a practice’s unconfirmed bookings, so one visitor with invented addresses cannot fill the calendar',
  retention: 'Until the practice account is deleted (counts only, no person behind them)',
  erasure: 'delete',
};

/**
 * The database's brake on unproven bookings, which needs neither a network address nor the typed address (which a
 * visitor chooses freely). Every hold batch rewrites its practice's row with counts taken inside that batch: holds
 * still pending, and holds made in the last hour. The CHECK fails the batch that would go over the limits stored
 * alongside, so concurrent requests cannot pass together (a D1 batch is one serialised transaction).
 */
export const bookingHoldGates = privateTable(
  'booking_hold_gates',
  {
    practiceId: privacy(text('practice_id').primaryKey().references(() => practices.id, { onDelete: 'cascade' }), { ...GATE, category: 'identifier' }),
    pending: privacy(integer('pending').notNull(), { ...GATE, purpose: 'Holds pending at the last hold, including it' }),
    lastHour: privacy(integer('last_hour').notNull(), { ...GATE, purpose: 'Holds made in the hour before the last hold, including it' }),
    maxPending: privacy(integer('max_pending').notNull(), { ...GATE, purpose: 'The limit of pending holds applied to the last hold' }),
    maxPerHour: privacy(integer('max_per_hour').notNull(), { ...GATE, purpose: 'The limit of holds per hour applied to the last hold' }),
  },
  (t) => [check('booking_hold_gates_within_limit', sql`${t.pending} <= ${t.maxPending} AND ${t.lastHour} <= ${t.maxPerHour}`)],
);
