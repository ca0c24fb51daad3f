import { eq } from 'drizzle-orm';
import { sessions } from '../../db/schema';
import type { DpoActor, TherapistActor } from '../lib/actor';
import { auditInsert } from './audit';
import type { Deps } from './deps';
import { endAllSessionsQuery } from './sessions';

type Account = TherapistActor | DpoActor;

function practiceOf(actor: Account): string | null {
  return actor.kind === 'therapist' ? actor.practiceId : null;
}

/** Ends this session; the audit entry (Art. 5(2) GDPR) goes in the same batch. */
export async function logOut(deps: Deps, actor: Account, sessionId: string) {
  await deps.db.batch([
    deps.db.delete(sessions).where(eq(sessions.id, sessionId)),
    auditInsert(deps.db, { action: 'auth.logout', actor, practiceId: practiceOf(actor) }, deps.now()),
  ]);
}

/** "Sign out on all devices": every session of the account, audited in the same batch. */
export async function logOutEverywhere(deps: Deps, actor: Account) {
  await deps.db.batch([endAllSessionsQuery(deps, actor.userId), auditInsert(deps.db, { action: 'auth.logout_all', actor, practiceId: practiceOf(actor) }, deps.now())]);
}
