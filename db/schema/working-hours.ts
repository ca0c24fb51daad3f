import { index, integer, text } from 'drizzle-orm/sqlite-core';
import { privacy, privateTable, ROW_ID } from '../privacy';
import { practices } from './practices';

const PRACTICE_LIFETIME = 'Until changed or the practice account is deleted';

/** Weekly opening hours, in minutes after local midnight of the practice's time zone; several ranges a day allowed. */
export const workingHours = privateTable(
  'working_hours',
  {
    id: privacy(text('id').primaryKey(), ROW_ID),
    practiceId: privacy(text('practice_id').notNull().references(() => practices.id, { onDelete: 'cascade' }), {
      category: 'identifier',
      purpose: 'The practice these hours belong to',
      retention: PRACTICE_LIFETIME,
      erasure: 'delete',
    }),
    weekday: privacy(integer('weekday').notNull(), {
      category: 'organisational',
      purpose: 'ISO weekday (1 = Monday … 7 = Sunday) on which the practice offers appointments',
      retention: PRACTICE_LIFETIME,
      erasure: 'delete',
    }),
    startMinute: privacy(integer('start_minute').notNull(), {
      category: 'organisational',
      purpose: 'Start of the bookable range, minutes after local midnight',
      retention: PRACTICE_LIFETIME,
      erasure: 'delete',
    }),
    endMinute: privacy(integer('end_minute').notNull(), {
      category: 'organisational',
      purpose: 'End of the bookable range, minutes after local midnight',
      retention: PRACTICE_LIFETIME,
      erasure: 'delete',
    }),
  },
  (t) => [index('working_hours_practice_idx').on(t.practiceId, t.weekday)],
);
