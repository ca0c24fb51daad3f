import { and, eq, exists, gt, isNotNull, isNull, lt, or } from 'drizzle-orm';
import { passwordResets, sessions, users } from '../../db/schema';
import { passwordResetEmail } from '../../emails/password-reset';
import type { Locale } from '../domain/locale';
import { hashToken, newId, randomToken } from '../lib/crypto';
import { AppError } from '../lib/errors';
import { ensureDpoAccount } from './accounts';
import { auditInsert } from './audit';
import type { Deps } from './deps';

export const RESET_LINK_LIFETIME_MS = 30 * 60 * 1000;

/**
 * Emails a single-use reset link when the address has an account. The caller answers the same either way, so the
 * form does not reveal which addresses are registered. The configured DPO gets an account on first request.
 */
export async function requestPasswordReset(deps: Deps, email: string, locale: Locale) {
  if (email === deps.config.DPO_EMAIL) await ensureDpoAccount(deps);
  const user = await deps.db.query.users.findFirst({ where: eq(users.email, email) });
  if (!user) return;
  const token = randomToken(32);
  const now = deps.now();
  await deps.db.batch([
    deps.db.insert(passwordResets).values({
      id: newId(),
      userId: user.id,
      tokenHash: await hashToken(token),
      expiresAt: now + RESET_LINK_LIFETIME_MS,
      createdAt: now,
    }),
    auditInsert(deps.db, { action: 'auth.password_reset_requested', actorUserId: user.id, practiceId: user.practiceId }, now),
  ]);
  const link = `${deps.config.APP_ORIGIN}/reset-password?token=${encodeURIComponent(token)}`;
  await deps.mailer.send({ to: user.email, ...passwordResetEmail({ link, minutes: RESET_LINK_LIFETIME_MS / 60000 }, locale) });
}

export async function isResetTokenUsable(deps: Deps, token: string): Promise<boolean> {
  const row = await deps.db.query.passwordResets.findFirst({
    where: and(eq(passwordResets.tokenHash, await hashToken(token)), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, deps.now())),
  });
  return row !== undefined;
}

/** Sets the new password, uses up the link and ends every session of the account, all in one atomic batch. */
export async function completePasswordReset(deps: Deps, token: string, newPassword: string) {
  const tokenHash = await hashToken(token);
  const now = deps.now();
  const reset = await deps.db.query.passwordResets.findFirst({
    where: and(eq(passwordResets.tokenHash, tokenHash), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now)),
  });
  if (!reset) throw new AppError('BAD_REQUEST', 'This reset link is invalid, expired or already used. Request a new one.');
  const passwordHash = await deps.passwords.hash(newPassword);
  // A batch is one transaction: every write is conditioned on the link still being unused, and the claim comes last,
  // so of two concurrent uses of one link exactly one changes anything.
  const stillUnused = exists(
    deps.db
      .select({ id: passwordResets.id })
      .from(passwordResets)
      .where(and(eq(passwordResets.id, reset.id), isNull(passwordResets.usedAt))),
  );
  const results = await deps.db.batch([
    deps.db
      .update(users)
      .set({ passwordHash, failedLogins: 0, lockedUntil: null })
      .where(and(eq(users.id, reset.userId), stillUnused)),
    deps.db.delete(sessions).where(and(eq(sessions.userId, reset.userId), stillUnused)),
    deps.db
      .update(passwordResets)
      .set({ usedAt: now })
      .where(and(eq(passwordResets.id, reset.id), isNull(passwordResets.usedAt)))
      .returning({ id: passwordResets.id }),
  ]);
  if (results[2].length === 0) throw new AppError('BAD_REQUEST', 'This reset link was already used. Request a new one.');
  await auditInsert(deps.db, { action: 'auth.password_reset', actorUserId: reset.userId }, now);
}

/** Cron: reset links are kept only until they expire or are used. */
export async function purgeUsedResets(deps: Deps) {
  await deps.db.delete(passwordResets).where(or(lt(passwordResets.expiresAt, deps.now()), isNotNull(passwordResets.usedAt)));
}
