import { integer, text } from 'drizzle-orm/sqlite-core';
import { CREATED_AT, privacy, privateTable, ROW_ID } from '../privacy';

export const practices = privateTable('practices', {
  id: privacy(text('id').primaryKey(), ROW_ID),
  name: privacy(text('name').notNull(), {
    category: 'organisational',
    purpose: 'Shown to clients on the booking page and in emails',
    retention: 'Until the practice account is deleted',
    erasure: 'delete',
  }),
  slug: privacy(text('slug').notNull().unique(), {
    category: 'organisational',
    purpose: 'Public address of the booking page',
    retention: 'Until the practice account is deleted',
    erasure: 'delete',
  }),
  timeZone: privacy(text('time_zone').notNull(), {
    category: 'organisational',
    purpose: 'Shows appointments and working hours in the practice’s local time',
    retention: 'Until the practice account is deleted',
    erasure: 'delete',
  }),
  locale: privacy(text('locale').notNull().default('de'), {
    category: 'organisational',
    purpose: 'Default language of the booking page and emails',
    retention: 'Until the practice account is deleted',
    erasure: 'delete',
  }),
  createdAt: privacy(integer('created_at').notNull(), CREATED_AT),
});
