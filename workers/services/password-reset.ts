import { and, eq, exists, gt, isNotNull, isNull, lt, ne, or, sql } from 'drizzle-orm';
import { passwordResets, sessions, users } from '../../db/schema';
import { passwordResetEmail } from '../../emails/password-reset';
import type { Locale } from '../domain/locale';
import { hashToken, newId, randomToken } from '../lib/crypto';
import { AppError } from '../lib/errors';
import { ensureDpoAccount, isDpoAddress } from './accounts';
import { accountHolder, SYSTEM } from '../lib/actor';
import { auditInsert } from './audit';
import type { Deps } from './deps';
import { startSession } from './sessions';
import { clearSignInAttemptsQuery, throttleKey } from './sign-in-throttle';
import { checkSecondFactor } from './totp';

export const RESET_LINK_LIFETIME_MS = 30 * 60 * 1000;
/** Wrong second-factor codes a reset link survives; only whoever reads the mailbox can spend them. */
export const RESET_CODE_ATTEMPTS = 3;

/**
 * Emails a single-use reset link when the address has an account. The route runs this after its response, which is
 * the same either way, so neither the answer nor its timing reveals which addresses are registered. The configured
 * DPO gets an account on first request.
 */
export async function requestPasswordReset(deps: Deps, email: string, locale: Locale) {
  if (isDpoAddress(deps, email)) await ensureDpoAccount(deps);
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
    auditInsert(deps.db, {
      action: 'auth.password_reset_requested',
      // Anyone may type an address: the request is not known to come from the account holder. The entry names the
      // account it concerns as its target.
      actor: SYSTEM,
      practiceId: user.practiceId,
      targetId: user.id,
    }, now),
  ]);
  const link = `${deps.config.APP_ORIGIN}/reset-password?token=${encodeURIComponent(token)}`;
  await deps.mailer.send({ to: user.email, ...passwordResetEmail({ link, minutes: RESET_LINK_LIFETIME_MS / 60000 }, locale) });
}

function usableLink(tokenHash: string, now: number) {
  return and(
    eq(passwordResets.tokenHash, tokenHash),
    isNull(passwordResets.usedAt),
    gt(passwordResets.expiresAt, now),
    lt(passwordResets.codeAttempts, RESET_CODE_ATTEMPTS),
  );
}

/** Whether the link still works, and whether the form must ask for the second factor. */
export async function resetLinkView(deps: Deps, token: string): Promise<{ usable: boolean; needsCode: boolean }> {
  const rows = await deps.db
    .select({ totpEnabledAt: users.totpEnabledAt })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .where(usableLink(await hashToken(token), deps.now()))
    .limit(1);
  const row = rows[0];
  return { usable: row !== undefined, needsCode: row?.totpEnabledAt != null };
}

/**
 * The emailed link is the way in that guessing cannot block: it skips the sign-in pause but, for an account with a
 * second factor, still needs a code. Wrong codes are counted on the link itself (one conditional update before the
 * check), so the link dies after a few and guessers of the password stay slowed.
 */
async function checkResetSecondFactor(deps: Deps, reset: { id: string; tokenHash: string }, user: typeof users.$inferSelect, code: string | undefined) {
  if (user.totpEnabledAt === null) return {};
  if (!code) throw new AppError('SECOND_FACTOR_REQUIRED', 'auth.codeRequired', { totp: 'auth.codeRequiredField' });
  const counted = await deps.db
    .update(passwordResets)
    .set({ codeAttempts: sql`${passwordResets.codeAttempts} + 1` })
    .where(and(eq(passwordResets.id, reset.id), usableLink(reset.tokenHash, deps.now())))
    .returning({ id: passwordResets.id });
  if (counted.length === 0) throw new AppError('BAD_REQUEST', 'auth.resetLinkInvalid');
  const result = await checkSecondFactor(deps, user, code);
  if (!result.ok) throw new AppError('UNAUTHENTICATED', 'auth.codeWrong', { totp: 'auth.codeWrongField' });
  return result.userChanges;
}

/**
 * Sets the new password, uses up this link and every other outstanding one of the account, ends every session and
 * the sign-in pause, all in one atomic batch; then signs the holder in. Returns the new session token.
 */
export async function completePasswordReset(deps: Deps, token: string, newPassword: string, code?: string) {
  const tokenHash = await hashToken(token);
  const now = deps.now();
  const reset = await deps.db.query.passwordResets.findFirst({ where: usableLink(tokenHash, now) });
  const user = reset ? await deps.db.query.users.findFirst({ where: eq(users.id, reset.userId) }) : undefined;
  if (!reset || !user) throw new AppError('BAD_REQUEST', 'auth.resetLinkInvalid');
  const totpChanges = await checkResetSecondFactor(deps, reset, user, code);
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
      // Reading the link proves control of the address, so an account not yet confirmed is confirmed now.
      .set({ passwordHash, emailConfirmedAt: user.emailConfirmedAt ?? now, ...totpChanges })
      .where(and(eq(users.id, user.id), stillUnused)),
    deps.db.delete(sessions).where(and(eq(sessions.userId, user.id), stillUnused)),
    deps.db.delete(passwordResets).where(and(eq(passwordResets.userId, user.id), ne(passwordResets.id, reset.id), stillUnused)),
    clearSignInAttemptsQuery(deps, await throttleKey(deps, user.email)),
    deps.db
      .update(passwordResets)
      .set({ usedAt: now })
      .where(and(eq(passwordResets.id, reset.id), isNull(passwordResets.usedAt)))
      .returning({ id: passwordResets.id }),
  ]);
  if (results[4].length === 0) throw new AppError('BAD_REQUEST', 'auth.resetLinkUsed');
  const session = await startSession(deps, user.id);
  await deps.db.batch([session.insert, auditInsert(deps.db, { action: 'auth.password_reset', actor: accountHolder(user), practiceId: user.practiceId }, now)]);
  return { token: session.token, role: user.role };
}

/** Cron: reset links are kept only until they expire or are used. */
export async function purgeUsedResets(deps: Deps) {
  await deps.db.delete(passwordResets).where(or(lt(passwordResets.expiresAt, deps.now()), isNotNull(passwordResets.usedAt)));
}
