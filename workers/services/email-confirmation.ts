import { and, eq, exists, gt, isNull, lt } from 'drizzle-orm';
import { emailConfirmations, users } from '../../db/schema';
import { accountExistsEmail, confirmEmailEmail } from '../../emails/sign-up';
import type { Locale } from '../domain/locale';
import { hashToken, newId, randomToken } from '../lib/crypto';
import { AppError } from '../lib/errors';
import { accountHolder } from '../lib/actor';
import { auditInsert } from './audit';
import type { Deps } from './deps';
import { startSession } from './sessions';

export const CONFIRMATION_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** A new confirmation link: the insert to batch with the account, and the mail to send after the response. */
export async function newConfirmation(deps: Deps, userId: string, email: string, locale: Locale) {
  const token = randomToken(32);
  const now = deps.now();
  const insert = deps.db
    .insert(emailConfirmations)
    .values({ id: newId(), userId, tokenHash: await hashToken(token), expiresAt: now + CONFIRMATION_LIFETIME_MS, createdAt: now });
  const link = `${deps.config.APP_ORIGIN}/confirm-email?token=${encodeURIComponent(token)}`;
  const deliver = () => deps.mailer.send({ to: email, ...confirmEmailEmail({ link, hours: CONFIRMATION_LIFETIME_MS / 3_600_000 }, locale) });
  return { insert, deliver };
}

/** What the owner of an existing address gets when someone signs up with it again. */
export function accountExistsNotice(deps: Deps, email: string, locale: Locale) {
  const origin = deps.config.APP_ORIGIN;
  return () => deps.mailer.send({ to: email, ...accountExistsEmail({ loginLink: `${origin}/login`, resetLink: `${origin}/forgot-password` }, locale) });
}

export async function isConfirmationUsable(deps: Deps, token: string): Promise<boolean> {
  const row = await deps.db.query.emailConfirmations.findFirst({
    where: and(eq(emailConfirmations.tokenHash, await hashToken(token)), gt(emailConfirmations.expiresAt, deps.now())),
  });
  return row !== undefined;
}

/**
 * Uses up the link, marks the address confirmed and signs the owner in. The delete is the claim: of two concurrent
 * uses only one gets the row back, and the account is confirmed in the same batch only while the link exists.
 */
export async function confirmEmail(deps: Deps, token: string) {
  const tokenHash = await hashToken(token);
  const now = deps.now();
  const link = and(eq(emailConfirmations.tokenHash, tokenHash), gt(emailConfirmations.expiresAt, now));
  const [confirmed, claimed] = await deps.db.batch([
    deps.db
      .update(users)
      .set({ emailConfirmedAt: now })
      .where(
        and(
          isNull(users.emailConfirmedAt),
          exists(deps.db.select({ id: emailConfirmations.id }).from(emailConfirmations).where(and(link, eq(emailConfirmations.userId, users.id)))),
        ),
      )
      .returning({ id: users.id, role: users.role, practiceId: users.practiceId }),
    deps.db.delete(emailConfirmations).where(link).returning({ userId: emailConfirmations.userId }),
  ]);
  const user = confirmed[0];
  if (!user || claimed.length === 0) throw new AppError('BAD_REQUEST', 'auth.confirmationLinkInvalid');
  const session = await startSession(deps, user.id);
  await deps.db.batch([
    deps.db.delete(emailConfirmations).where(eq(emailConfirmations.userId, user.id)),
    session.insert,
    auditInsert(deps.db, { action: 'auth.email_confirmed', actor: accountHolder(user), practiceId: user.practiceId }, now),
  ]);
  return { token: session.token, role: user.role };
}

/** Cron: confirmation links are kept only until they expire. */
export async function purgeExpiredConfirmations(deps: Deps) {
  await deps.db.delete(emailConfirmations).where(lt(emailConfirmations.expiresAt, deps.now()));
}
