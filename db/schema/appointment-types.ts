import { index, integer, text } from 'drizzle-orm/sqlite-core';
import { CREATED_AT, type ColumnPrivacy, privacy, privateTable, ROW_ID } from '../privacy';
import { practices } from './practices';

const SETTING: ColumnPrivacy = {
  category: 'organisational',
  purpose: 'Describes a kind of appointment the practice offers',
  retention: 'Until the practice deletes the type or its account',
  erasure: 'delete',
};

export const appointmentTypes = privateTable(
  'appointment_types',
  {
    id: privacy(text('id').primaryKey(), ROW_ID),
    practiceId: privacy(text('practice_id').notNull().references(() => practices.id, { onDelete: 'cascade' }), {
      ...SETTING,
      category: 'identifier',
      purpose: 'The practice offering this type',
    }),
    name: privacy(text('name').notNull(), SETTING),
    durationMin: privacy(integer('duration_min').notNull(), SETTING),
    bufferBeforeMin: privacy(integer('buffer_before_min').notNull().default(0), SETTING),
    bufferAfterMin: privacy(integer('buffer_after_min').notNull().default(0), SETTING),
    minNoticeMin: privacy(integer('min_notice_min').notNull().default(720), SETTING),
    horizonDays: privacy(integer('horizon_days').notNull().default(60), SETTING),
    mode: privacy(text('mode', { enum: ['video', 'in_person'] }).notNull(), SETTING),
    priceText: privacy(text('price_text'), SETTING),
    active: privacy(integer('active', { mode: 'boolean' }).notNull().default(true), SETTING),
    createdAt: privacy(integer('created_at').notNull(), CREATED_AT),
  },
  (t) => [index('appointment_types_practice_idx').on(t.practiceId)],
);
