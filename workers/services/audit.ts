import type { Database } from '../../db/client';
import { auditEvents } from '../../db/schema';
import { type Actor, auditedActor } from '../lib/actor';
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
  | 'auth.totp_disable_refused'
  | 'auth.email_confirmed'
  | 'auth.recovery_code_used'
  | 'appointment.booked'
  | 'appointment.cancelled'
  | 'appointment.rescheduled'
  | 'consent.withdrawn'
  | 'reminder.sent'
  | 'export.practice'
  | 'export.client'
  | 'calendar_feed.created'
  | 'calendar_feed.rotated'
  | 'calendar_feed.revoked'
  | 'calendar_feed.names_changed'
  | 'practice.deletion_refused'
  | 'practice.deleted'
  | 'client.created'
  | 'client.rectified'
  | 'client.restricted'
  | 'client.unrestricted'
  | 'client.deleted'
  | 'appointment.created'
  | 'appointment.status_changed'
  | 'appointment.access_code_reissued'
  | 'notes.key_created'
  | 'notes.passphrase_rewrapped'
  | 'note.created'
  | 'note.deleted'
  | 'settings.profile_updated'
  | 'settings.hours_replaced'
  | 'settings.exception_added'
  | 'settings.exception_removed'
  | 'settings.type_created'
  | 'settings.type_updated'
  | 'settings.type_deactivated'
  | 'settings.type_reactivated'
  | 'terms.published'
  | 'incident.created'
  | 'incident.updated'
  | 'incident.practice_notified'
  | 'incident.notice_failed'
  | 'incident.closed'
  | 'rights.received'
  | 'rights.verified'
  | 'rights.needs_in_person'
  | 'rights.started'
  | 'rights.extended'
  | 'rights.answered'
  | 'rights.commented'
  | 'rights.completed'
  | 'rights.rejected'
  | 'rights.link_sent'
  | 'rights.rectified'
  | 'rights.erasure_reported'
  | 'rights.restricted'
  | 'rights.objected'
  | 'rights.withdrawal_recorded'
  | 'client.objected';

/**
 * One audit entry. `actor` names who acted (Art. 5(2) GDPR); every entry needs one. Entries stored before every writer
 * passed one have an empty kind, and the audit log page reads those by their action code.
 */
export type AuditInput = {
  action: AuditAction;
  actor: Actor;
  practiceId?: string | null;
  targetId?: string | null;
  /** Keeps the actor's kind but not the account id: for entries that must not say whose (a deleted practice). */
  withoutAccount?: true;
};

/** The row of one entry, for callers that insert it under a condition of their own (INSERT … SELECT … WHERE). */
export function auditRow(entry: AuditInput, at: number) {
  const who = auditedActor(entry.actor);
  if (entry.withoutAccount) who.actorUserId = null;
  return { id: newId(), at, action: entry.action, ...who, practiceId: entry.practiceId ?? null, targetId: entry.targetId ?? null };
}

/** Returns the insert so it can join the batch of the state change it records. */
export function auditInsert(db: Database, entry: AuditInput, at: number) {
  return db.insert(auditEvents).values(auditRow(entry, at));
}
