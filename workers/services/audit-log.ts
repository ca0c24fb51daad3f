import { and, desc, eq, lt, or } from 'drizzle-orm';
import { auditEvents } from '../../db/schema';
import type { ActorKind as StoredActorKind } from '../lib/actor';
import { AppError } from '../lib/errors';
import type { Deps } from './deps';
import { findPractice } from './practices';

/**
 * The practice's view of its audit log (Art. 5(2) GDPR accountability): what happened, when, and which kind of actor
 * did it. Entries hold action codes and random ids only; the view shows neither ids nor names, so it is safe to show
 * on a shared screen.
 */
export type ActorKind = 'you' | 'client-link' | 'client-booking' | 'system' | 'other-account' | 'dpo';
export type AuditEntry = { id: string; at: number; action: string; actor: ActorKind };
export type AuditPage = { entries: AuditEntry[]; next: string | null; timeZone: string };

export const AUDIT_PAGE_SIZE = 50;

// Entries older than the actor_kind column: actions a client takes without an account (booking on the public page, the
// rest through the emailed link) were recognised by their code.
const CLIENT_LINK_ACTIONS = new Set(['appointment.cancelled', 'appointment.rescheduled', 'consent.withdrawn']);

function legacyActorKind(entry: { action: string; actorUserId: string | null }): ActorKind {
  if (entry.actorUserId) return 'other-account';
  if (entry.action === 'appointment.booked') return 'client-booking';
  if (CLIENT_LINK_ACTIONS.has(entry.action)) return 'client-link';
  return 'system';
}

/** Who acted, as the therapist should read it. Pure: the stored actor (kind and account id) and the signed-in user decide. */
export function actorKind(entry: { action: string; actorUserId: string | null; actorKind?: StoredActorKind | null }, currentUserId: string): ActorKind {
  if (entry.actorUserId === currentUserId) return 'you';
  switch (entry.actorKind) {
    case 'therapist':
      return 'other-account';
    case 'dpo':
      return 'dpo';
    case 'client':
      return entry.action === 'appointment.booked' ? 'client-booking' : 'client-link';
    case 'system':
      return 'system';
    default:
      return legacyActorKind(entry);
  }
}

/** Cursor of the next (older) page: the time and id of the last entry shown. */
export function encodeCursor(entry: { at: number; id: string }): string {
  return `${entry.at}_${entry.id}`;
}

export function decodeCursor(cursor: string | undefined): { at: number; id: string } | undefined {
  const match = /^(\d{1,16})_([\w-]{1,64})$/.exec(cursor ?? '');
  return match?.[1] && match[2] ? { at: Number(match[1]), id: match[2] } : undefined;
}

/** Newest first, keyset-paged along the (practice_id, at) index. */
export async function auditLogPage(deps: Deps, practiceId: string, currentUserId: string, before?: string): Promise<AuditPage> {
  const cursor = decodeCursor(before);
  const practice = await findPractice(deps, practiceId);
  if (!practice) throw new AppError('NOT_FOUND', 'practice.notFound');
  const rows = await deps.db
    .select({ id: auditEvents.id, at: auditEvents.at, action: auditEvents.action, actorUserId: auditEvents.actorUserId, actorKind: auditEvents.actorKind })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.practiceId, practiceId),
        cursor ? or(lt(auditEvents.at, cursor.at), and(eq(auditEvents.at, cursor.at), lt(auditEvents.id, cursor.id))) : undefined,
      ),
    )
    .orderBy(desc(auditEvents.at), desc(auditEvents.id))
    .limit(AUDIT_PAGE_SIZE + 1);
  const shown = rows.slice(0, AUDIT_PAGE_SIZE);
  const last = shown.at(-1);
  return {
    entries: shown.map((row) => ({ id: row.id, at: row.at, action: row.action, actor: actorKind(row, currentUserId) })),
    next: rows.length > AUDIT_PAGE_SIZE && last ? encodeCursor(last) : null,
    timeZone: practice.timeZone,
  };
}
