import { eq, sql } from 'drizzle-orm';
import { auditEvents, users } from '../../db/schema';
import { newId } from '../lib/crypto';
import { AppError } from '../lib/errors';
import { accountHolder } from '../lib/actor';
import { type AuditAction, auditInsert } from './audit';
import type { Deps } from './deps';
import { DUMMY_HASH } from './passwords';
import { startSession } from './sessions';
import { claimSignInAttempt, clearSignInAttemptsQuery } from './sign-in-throttle';
import { checkSecondFactor } from './totp';

/**
 * Audits a failed sign-in of a known account (Art. 5(2)) with one statement that also runs for an unknown address,
 * where it inserts nothing: both paths make the same round trip, so timing does not tell them apart.
 */
async function auditFailedSignIn(deps: Deps, email: string) {
  await deps.db.insert(auditEvents).select(
    deps.db
      .select({
        id: sql<string>`${newId()}`.as('id'),
        at: sql<number>`${deps.now()}`.as('at'),
        // Whoever typed the password is not known to be the account holder: no actor kind, only the account tried.
        actorKind: sql<null>`NULL`.as('actor_kind'),
        actorUserId: users.id,
        practiceId: users.practiceId,
        action: sql<string>`${'auth.login_failed' satisfies AuditAction}`.as('action'),
        targetId: sql<null>`NULL`.as('target_id'),
      })
      .from(users)
      .where(eq(users.email, email)),
  );
}

export type LoginInput = { email: string; password: string; totp?: string | undefined };

/**
 * Signs in with email, password and, when enrolled, a one-time or recovery code. Returns the new session token.
 * The attempt is counted before anything is checked, for known and unknown addresses alike, so neither the answer,
 * the pause nor the time taken tells which addresses have accounts.
 */
export async function logIn(deps: Deps, input: LoginInput) {
  const throttle = await claimSignInAttempt(deps, input.email);
  const user = await deps.db.query.users.findFirst({ where: eq(users.email, input.email) });
  // Same work as a real check when there is no account, so response time does not reveal which addresses are known.
  const passwordOk = (await deps.passwords.verify(user?.passwordHash ?? DUMMY_HASH, input.password)) && Boolean(user?.passwordHash);
  if (!user || !passwordOk) {
    await auditFailedSignIn(deps, input.email);
    throw new AppError('UNAUTHENTICATED', 'auth.wrongCredentials');
  }
  const now = deps.now();
  const secondFactor = user.totpEnabledAt !== null ? await checkSecondFactor(deps, user, input.totp) : null;
  if (secondFactor && !secondFactor.ok) {
    if (secondFactor.reason === 'missing') {
      throw new AppError('SECOND_FACTOR_REQUIRED', 'auth.codeRequired', { totp: 'auth.codeRequiredField' });
    }
    // The password was right but the code wrong: still not known to be the account holder.
    await auditFailedSignIn(deps, input.email);
    throw new AppError('UNAUTHENTICATED', 'auth.codeWrong', { totp: 'auth.codeWrongField' });
  }
  // Only whoever knows the password learns this, and the emailed link is the way out.
  if (user.emailConfirmedAt === null) {
    throw new AppError('FORBIDDEN', 'auth.confirmEmailFirst');
  }
  const session = await startSession(deps, user.id);
  await deps.db.batch([
    clearSignInAttemptsQuery(deps, throttle),
    ...(secondFactor?.ok && secondFactor.userChanges.totpLastStep !== undefined
      ? [deps.db.update(users).set(secondFactor.userChanges).where(eq(users.id, user.id))]
      : []),
    session.insert,
    auditInsert(deps.db, { action: 'auth.login', actor: accountHolder(user), practiceId: user.practiceId }, now),
  ]);
  return { token: session.token, userId: user.id, role: user.role };
}
