import { index, integer, text } from 'drizzle-orm/sqlite-core';
import { type ColumnPrivacy, privacy, privateTable, ROW_ID } from '../privacy';
import { practices } from './practices';

// Only the dates and hours; the reason (holiday, illness) is deliberately not asked for.
const SETTING: ColumnPrivacy = {
  category: 'organisational',
  purpose: 'A day or hours on which the practice is closed or offers extra appointments',
  retention: 'Until changed or the practice account is deleted',
  erasure: 'delete',
};

export const availabilityExceptions = privateTable(
  'availability_exceptions',
  {
    id: privacy(text('id').primaryKey(), ROW_ID),
    practiceId: privacy(text('practice_id').notNull().references(() => practices.id, { onDelete: 'cascade' }), {
      ...SETTING,
      category: 'identifier',
    }),
    date: privacy(text('date').notNull(), SETTING),
    kind: privacy(text('kind', { enum: ['closed', 'extra'] }).notNull(), SETTING),
    startMinute: privacy(integer('start_minute'), SETTING),
    endMinute: privacy(integer('end_minute'), SETTING),
  },
  (t) => [index('availability_exceptions_practice_idx').on(t.practiceId, t.date)],
);
