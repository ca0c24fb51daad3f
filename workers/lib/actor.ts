import type { ActiveSession } from '../services/sessions';

/**
 * Who acts (Art. 5(2) GDPR accountability: every audit entry names who did it). Built once per request — from the
 * session by `sessionMiddleware`, from a verified emailed link by the client-link routes — and passed second to every
 * state-changing service, which writes it to the audit entry of the same batch.
 */
export type TherapistActor = { kind: 'therapist'; userId: string; practiceId: string };
export type DpoActor = { kind: 'dpo'; userId: string };
/**
 * A client has no account: the emailed link is the credential. `via: 'link'` is the link of one appointment, `via:
 * 'hold'` the single-use confirmation link of a public booking (the appointment does not exist yet), `via: 'rights'`
 * the verification link of a rights request.
 */
export type ClientActor =
  | { kind: 'client'; via: 'link'; practiceId: string; clientId: string; appointmentId: string }
  | { kind: 'client'; via: 'hold'; practiceId: string; holdId: string }
  | { kind: 'client'; via: 'rights'; practiceId: string; requestId: string };
export type SystemActor = { kind: 'system' };
export type Actor = TherapistActor | DpoActor | ClientActor | SystemActor;
export type ActorKind = Actor['kind'];

export const ACTOR_KINDS = ['therapist', 'dpo', 'client', 'system'] as const satisfies readonly ActorKind[];

/** The cron and anything else no person started. */
export const SYSTEM: SystemActor = { kind: 'system' };

type Account = { id: string; role: 'therapist' | 'dpo'; practiceId: string | null };

/** An account as an actor; null for a therapist account without a practice, which cannot act on one. */
export function actorOfAccount(user: Account): TherapistActor | DpoActor | null {
  if (user.role === 'dpo') return { kind: 'dpo', userId: user.id };
  return user.practiceId ? { kind: 'therapist', userId: user.id, practiceId: user.practiceId } : null;
}

/**
 * The account holder acting on their own account before a session exists (signing in, the emailed confirmation or
 * reset link). Every therapist account is created with its practice, so the system fallback only keeps the type total.
 */
export function accountHolder(user: Account): Actor {
  return actorOfAccount(user) ?? SYSTEM;
}

/** The signed-in account as an actor; null for an anonymous request or a therapist account without a practice. */
export function actorOfSession(session: ActiveSession | null): TherapistActor | DpoActor | null {
  return session ? actorOfAccount(session.user) : null;
}

/** What an audit entry stores of the actor: its kind and, for accounts, the account's random id. */
export function auditedActor(actor: Actor): { actorKind: ActorKind; actorUserId: string | null } {
  return { actorKind: actor.kind, actorUserId: actor.kind === 'therapist' || actor.kind === 'dpo' ? actor.userId : null };
}
