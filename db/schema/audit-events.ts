import { index, integer, text } from 'drizzle-orm/sqlite-core';
import { privacy, privateTable, ROW_ID } from '../privacy';

// Art. 5(2) accountability. Entries name actions and row ids, never personal content; append-only (see migrations).
const AUDIT = 'Six years, then deleted by the cleanup cron';

export const auditEvents = privateTable(
  'audit_events',
  {
    id: privacy(text('id').primaryKey(), ROW_ID),
    at: privacy(integer('at').notNull(), {
      category: 'audit',
      purpose: 'When the action happened',
      retention: AUDIT,
      erasure: 'keep-legal-duty',
    }),
    actorKind: privacy(text('actor_kind', { enum: ['therapist', 'dpo', 'client', 'system'] }), {
      category: 'audit',
      purpose: 'Which kind of actor acted: therapist, DPO, client (through an emailed link) or system; empty on entries older than the column',
      retention: AUDIT,
      erasure: 'keep-legal-duty',
    }),
    actorUserId: privacy(text('actor_user_id'), {
      category: 'audit',
      purpose: 'Which account acted (a random id; empty for system and anonymous actions)',
      retention: AUDIT,
      erasure: 'anonymise',
    }),
    practiceId: privacy(text('practice_id'), {
      category: 'audit',
      purpose: 'The practice the action concerned',
      retention: AUDIT,
      erasure: 'anonymise',
    }),
    action: privacy(text('action').notNull(), {
      category: 'audit',
      purpose: 'What was done, as a fixed code such as auth.login',
      retention: AUDIT,
      erasure: 'keep-legal-duty',
    }),
    targetId: privacy(text('target_id'), {
      category: 'audit',
      purpose: 'The row the action concerned',
      retention: AUDIT,
      erasure: 'anonymise',
    }),
  },
  (t) => [index('audit_events_practice_idx').on(t.practiceId, t.at)],
);
