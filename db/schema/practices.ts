import { integer, text } from 'drizzle-orm/sqlite-core';
import { DEFAULT_HOLD_MINUTES, DEFAULT_MAX_HOLDS_PER_HOUR, DEFAULT_MAX_PENDING_HOLDS } from '../../workers/domain/booking-limits';
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
  contactEmail: privacy(text('contact_email').notNull().default(''), {
    category: 'contact',
    purpose: 'Whom clients contact about their data and appointments, named in the terms (Art. 13(1)(a) GDPR)',
    retention: 'Until the practice account is deleted',
    erasure: 'delete',
  }),
  cancellationNoticeHours: privacy(integer('cancellation_notice_hours').notNull().default(24), {
    category: 'organisational',
    purpose: 'Until when before an appointment clients may cancel or reschedule online',
    retention: 'Until the practice account is deleted',
    erasure: 'delete',
  }),
  nameInSubjects: privacy(integer('name_in_subjects', { mode: 'boolean' }).notNull().default(false), {
    category: 'organisational',
    purpose: 'Whether the practice name appears in email subjects and calendar entries (off unless the practice opts in: a name can reveal treatment)',
    retention: 'Until the practice account is deleted',
    erasure: 'delete',
  }),
  holdMinutes: privacy(integer('hold_minutes').notNull().default(DEFAULT_HOLD_MINUTES), {
    category: 'organisational',
    purpose: 'How long a time booked online stays held until the person confirms it from their email',
    retention: 'Until the practice account is deleted',
    erasure: 'delete',
  }),
  holdMaxPending: privacy(integer('hold_max_pending').notNull().default(DEFAULT_MAX_PENDING_HOLDS), {
    category: 'organisational',
    purpose: 'How many unconfirmed online bookings the practice holds at once (abuse limit)',
    retention: 'Until the practice account is deleted',
    erasure: 'delete',
  }),
  holdMaxPerHour: privacy(integer('hold_max_per_hour').notNull().default(DEFAULT_MAX_HOLDS_PER_HOUR), {
    category: 'organisational',
    purpose: 'How many online bookings the practice accepts for confirmation per hour (abuse limit)',
    retention: 'Until the practice account is deleted',
    erasure: 'delete',
  }),
  consentHeadSeq: privacy(integer('consent_head_seq').notNull().default(0), {
    category: 'technical',
    purpose: 'Last position of the consent chain, so a removed last record is detected',
    retention: 'Until the practice account is deleted',
    erasure: 'delete',
  }),
  consentHeadHash: privacy(text('consent_head_hash'), {
    category: 'technical',
    purpose: 'Hash of the last consent record, so a removed last record is detected',
    retention: 'Until the practice account is deleted',
    erasure: 'delete',
  }),
  createdAt: privacy(integer('created_at').notNull(), CREATED_AT),
});
