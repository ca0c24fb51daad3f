import type { Database } from '../../db/client';
import { auditEvents } from '../../db/schema';
import { newId } from '../lib/crypto';

/** Fixed action codes: entries say what happened, never to whom in words. */
export type AuditAction =
  | 'practice.signup'
  | 'dpa.accept'
  | 'auth.login'
  | 'auth.login_failed'
  | 'auth.logout'
  | 'auth.logout_all'
  | 'auth.password_reset_requested'
  | 'auth.password_reset'
  | 'auth.totp_enrolled'
  | 'auth.totp_disabled'
  | 'auth.recovery_code_used'
  | 'appointment.booked'
  | 'appointment.cancelled'
  | 'appointment.rescheduled'
  | 'consent.withdrawn'
  | 'reminder.sent';

export type AuditInput = { action: AuditAction; actorUserId?: string | null; practiceId?: string | null; targetId?: string | null };

/** Returns the insert so it can join the batch of the state change it records. */
export function auditInsert(db: Database, entry: AuditInput, at: number) {
  return db.insert(auditEvents).values({
    id: newId(),
    at,
    action: entry.action,
    actorUserId: entry.actorUserId ?? null,
    practiceId: entry.practiceId ?? null,
    targetId: entry.targetId ?? null,
  });
}
