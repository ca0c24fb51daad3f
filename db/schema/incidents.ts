import { index, integer, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { CREATED_AT, type ColumnPrivacy, privacy, privateTable, ROW_ID } from '../privacy';
import { practices } from './practices';

// The incident register (Art. 33(5) GDPR: document every personal-data breach). No personal data of the affected
// people is kept here: categories and approximate numbers only.
const REGISTER: ColumnPrivacy = {
  category: 'audit',
  purpose: 'Documenting a personal-data breach and its notifications (Art. 33(5))',
  retention: 'Five years, then deleted by the cron',
  erasure: 'keep-legal-duty',
};

export const incidents = privateTable('incidents', {
  id: privacy(text('id').primaryKey(), ROW_ID),
  awareAt: privacy(integer('aware_at').notNull(), { ...REGISTER, purpose: 'When the platform became aware: starts the 72-hour clock' }),
  nature: privacy(text('nature').notNull(), REGISTER),
  dataCategories: privacy(text('data_categories', { mode: 'json' }).$type<string[]>().notNull(), REGISTER),
  subjectCategories: privacy(text('subject_categories', { mode: 'json' }).$type<string[]>().notNull(), REGISTER),
  approxSubjects: privacy(integer('approx_subjects').notNull(), REGISTER),
  approxRecords: privacy(integer('approx_records').notNull(), REGISTER),
  consequences: privacy(text('consequences').notNull(), REGISTER),
  measures: privacy(text('measures').notNull(), REGISTER),
  contact: privacy(text('contact').notNull(), { ...REGISTER, category: 'contact', purpose: 'Contact point for more information (the DPO)' }),
  scope: privacy(text('scope', { mode: 'json' }).$type<{ kind: 'all' } | { kind: 'practices'; practiceIds: string[] } | { kind: 'window'; from: number; to: number }>().notNull(), REGISTER),
  highRisk: privacy(integer('high_risk', { mode: 'boolean' }).notNull().default(false), { ...REGISTER, purpose: 'High risk to the people affected: Art. 34 notice to them' }),
  closedAt: privacy(integer('closed_at'), REGISTER),
  createdAt: privacy(integer('created_at').notNull(), CREATED_AT),
});

export const incidentUpdates = privateTable(
  'incident_updates',
  {
    id: privacy(text('id').primaryKey(), ROW_ID),
    incidentId: privacy(text('incident_id').notNull().references(() => incidents.id, { onDelete: 'cascade' }), { ...REGISTER, category: 'identifier' }),
    at: privacy(integer('at').notNull(), REGISTER),
    text: privacy(text('text').notNull(), { ...REGISTER, purpose: 'Information provided in phases (Art. 33(4))' }),
  },
  (t) => [index('incident_updates_incident_idx').on(t.incidentId, t.at)],
);

/** One notice per incident and practice: the unique index makes a repeated action send nothing twice. */
export const incidentNotices = privateTable(
  'incident_notices',
  {
    id: privacy(text('id').primaryKey(), ROW_ID),
    incidentId: privacy(text('incident_id').notNull().references(() => incidents.id, { onDelete: 'cascade' }), { ...REGISTER, category: 'identifier' }),
    practiceId: privacy(text('practice_id').notNull().references(() => practices.id, { onDelete: 'cascade' }), { ...REGISTER, category: 'identifier' }),
    kind: privacy(text('kind', { enum: ['practice', 'update', 'subjects'] }).notNull(), REGISTER),
    updateId: privacy(text('update_id'), { ...REGISTER, category: 'identifier' }),
    sentAt: privacy(integer('sent_at').notNull(), REGISTER),
    createdAt: privacy(integer('created_at').notNull(), CREATED_AT),
  },
  (t) => [uniqueIndex('incident_notices_once_uq').on(t.incidentId, t.practiceId, t.kind, t.updateId)],
);
