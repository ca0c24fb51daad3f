import { eq } from 'drizzle-orm';
import { users } from '../../db/schema';
import { afterFailedLogin, isLocked, secondsUntilUnlocked } from '../domain/throttle';
import { AppError } from '../lib/errors';
import { auditInsert } from './audit';
import type { Deps } from './deps';
import { DUMMY_HASH } from './passwords';
import { startSession } from './sessions';
import { checkSecondFactor } from './totp';

export type LoginInput = { email: string; password: string; totp?: string | undefined };

const WRONG_CREDENTIALS = 'Email or password is wrong';

/** Signs in with email, password and, when enrolled, a one-time or recovery code. Returns the new session token. */
export async function logIn(deps: Deps, input: LoginInput) {
  const user = await deps.db.query.users.findFirst({ where: eq(users.email, input.email) });
  if (!user?.passwordHash) {
    // Same work as a real check, so response time does not reveal which addresses have accounts.
    await deps.passwords.verify(DUMMY_HASH, input.password);
    throw new AppError('UNAUTHENTICATED', WRONG_CREDENTIALS);
  }
  const now = deps.now();
  if (isLocked(user, now)) {
    throw new AppError(
      'TOO_MANY_ATTEMPTS',
      `Too many failed sign-ins. Try again in ${secondsUntilUnlocked(user, now)} seconds or reset your password.`,
    );
  }
  const passwordOk = await deps.passwords.verify(user.passwordHash, input.password);
  const secondFactor = passwordOk && user.totpEnabledAt !== null ? await checkSecondFactor(deps, user, input.totp) : null;
  if (!passwordOk || (secondFactor && !secondFactor.ok && secondFactor.reason === 'wrong')) {
    const next = afterFailedLogin(user, now);
    await deps.db.batch([
      deps.db.update(users).set(next).where(eq(users.id, user.id)),
      auditInsert(deps.db, { action: 'auth.login_failed', actorUserId: user.id, practiceId: user.practiceId }, now),
    ]);
    if (!passwordOk) throw new AppError('UNAUTHENTICATED', WRONG_CREDENTIALS);
    throw new AppError('UNAUTHENTICATED', 'The code is wrong or was already used', { totp: ['Enter a current code'] });
  }
  if (secondFactor && !secondFactor.ok) {
    throw new AppError('SECOND_FACTOR_REQUIRED', 'Enter the code from your authenticator app', {
      totp: ['A code is required for this account'],
    });
  }
  const session = await startSession(deps, user.id);
  await deps.db.batch([
    deps.db
      .update(users)
      .set({ failedLogins: 0, lockedUntil: null, ...(secondFactor?.ok ? secondFactor.userChanges : {}) })
      .where(eq(users.id, user.id)),
    session.insert,
    auditInsert(deps.db, { action: 'auth.login', actorUserId: user.id, practiceId: user.practiceId }, now),
  ]);
  return { token: session.token, userId: user.id, role: user.role };
}
