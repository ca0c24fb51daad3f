import { and, eq, isNull } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import { renderSVG } from 'uqr';
import { recoveryCodes, users } from '../../db/schema';
import { hashToken, newId, randomToken } from '../lib/crypto';
import { AppError } from '../lib/errors';
import { accountHolder, type DpoActor, type TherapistActor } from '../lib/actor';
import { auditInsert } from './audit';
import type { Deps } from './deps';
import { claimSignInAttempt, clearSignInAttemptsQuery } from './sign-in-throttle';

// RFC 6238 defaults, which every authenticator app understands.
const PERIOD_SECONDS = 30;
const RECOVERY_CODE_COUNT = 10;

type TotpUser = { id: string; email: string; role: 'therapist' | 'dpo'; practiceId: string | null; totpSecret: string | null; totpLastStep: number | null };

function totpFor(secretBase32: string, email: string) {
  return new TOTP({ issuer: 'Praxisraum', label: email, secret: Secret.fromBase32(secretBase32), period: PERIOD_SECONDS });
}

/** The time step a code belongs to, or null when it does not match within ±1 step of clock drift. */
export function matchingStep(secretBase32: string, email: string, code: string, now: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totpFor(secretBase32, email).validate({ token: code, timestamp: now, window: 1 });
  return delta === null ? null : Math.floor(now / 1000 / PERIOD_SECONDS) + delta;
}

export function currentCode(secretBase32: string, email: string, now: number): string {
  return totpFor(secretBase32, email).generate({ timestamp: now });
}

function normaliseRecoveryCode(code: string): string {
  return code.trim().replaceAll(' ', '');
}

type SecondFactorResult =
  | { ok: true; userChanges: { totpLastStep?: number } }
  | { ok: false; reason: 'missing' | 'wrong' };

/** Accepts a current one-time code (never the same step twice) or an unused recovery code, which it uses up. */
export async function checkSecondFactor(deps: Deps, user: TotpUser, code: string | undefined): Promise<SecondFactorResult> {
  if (!code || !user.totpSecret) return { ok: false, reason: 'missing' };
  const step = matchingStep(user.totpSecret, user.email, code.trim(), deps.now());
  if (step !== null) {
    if (user.totpLastStep !== null && step <= user.totpLastStep) return { ok: false, reason: 'wrong' };
    return { ok: true, userChanges: { totpLastStep: step } };
  }
  // The conditional update makes the recovery code single-use even when two sign-ins race.
  const used = await deps.db
    .update(recoveryCodes)
    .set({ usedAt: deps.now() })
    .where(
      and(
        eq(recoveryCodes.userId, user.id),
        eq(recoveryCodes.codeHash, await hashToken(normaliseRecoveryCode(code))),
        isNull(recoveryCodes.usedAt),
      ),
    )
    .returning({ id: recoveryCodes.id });
  if (used.length === 0) return { ok: false, reason: 'wrong' };
  await auditInsert(deps.db, { action: 'auth.recovery_code_used', actor: accountHolder(user), practiceId: user.practiceId }, deps.now());
  return { ok: true, userChanges: {} };
}

/** Starts enrolment: a new secret, not yet required at sign-in until a code from it is confirmed. */
export async function beginTotpEnrolment(deps: Deps, userId: string) {
  const user = await deps.db.query.users.findFirst({ where: eq(users.id, userId) });
  if (!user) throw new AppError('NOT_FOUND', 'auth.accountNotFound');
  if (user.totpEnabledAt !== null) throw new AppError('CONFLICT', 'auth.totpAlreadyEnrolled');
  const secret = new Secret({ size: 20 }).base32;
  await deps.db.update(users).set({ totpSecret: secret }).where(eq(users.id, userId));
  const uri = totpFor(secret, user.email).toString();
  return { secret, uri, qrSvg: renderSVG(uri, { border: 2 }) };
}

/** Confirms enrolment with a code from the app and hands out recovery codes, shown once and stored only as hashes. */
export async function confirmTotpEnrolment(deps: Deps, actor: TherapistActor | DpoActor, code: string) {
  const { userId } = actor;
  const user = await deps.db.query.users.findFirst({ where: eq(users.id, userId) });
  if (!user?.totpSecret || user.totpEnabledAt !== null) {
    throw new AppError('CONFLICT', 'auth.totpStartFirst');
  }
  const step = matchingStep(user.totpSecret, user.email, code.trim(), deps.now());
  if (step === null) throw new AppError('VALIDATION_FAILED', 'auth.totpMismatch', { code: 'auth.totpMismatchField' });
  const now = deps.now();
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => randomToken(10));
  const hashes = await Promise.all(codes.map(hashToken));
  await deps.db.batch([
    deps.db.update(users).set({ totpEnabledAt: now, totpLastStep: step }).where(eq(users.id, userId)),
    deps.db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId)),
    deps.db.insert(recoveryCodes).values(hashes.map((codeHash) => ({ id: newId(), userId, codeHash, createdAt: now }))),
    auditInsert(deps.db, { action: 'auth.totp_enrolled', actor, practiceId: user.practiceId }, now),
  ]);
  return { recoveryCodes: codes };
}

/**
 * Removing the second factor needs the password again, so a hijacked session alone cannot do it. The check counts
 * against the same throttle as sign-in, before the password is verified: a session is no way around the pause.
 */
export async function disableTotp(deps: Deps, actor: TherapistActor | DpoActor, password: string) {
  const { userId } = actor;
  const user = await deps.db.query.users.findFirst({ where: eq(users.id, userId) });
  if (!user) throw new AppError('NOT_FOUND', 'auth.accountNotFound');
  const throttle = await claimSignInAttempt(deps, user.email);
  if (!user.passwordHash || !(await deps.passwords.verify(user.passwordHash, password))) {
    await auditInsert(deps.db, { action: 'auth.totp_disable_refused', actor, practiceId: user.practiceId }, deps.now());
    throw new AppError('VALIDATION_FAILED', 'auth.passwordWrong', { password: 'auth.currentPasswordField' });
  }
  const now = deps.now();
  await deps.db.batch([
    deps.db.update(users).set({ totpSecret: null, totpEnabledAt: null, totpLastStep: null }).where(eq(users.id, userId)),
    deps.db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId)),
    clearSignInAttemptsQuery(deps, throttle),
    auditInsert(deps.db, { action: 'auth.totp_disabled', actor, practiceId: user.practiceId }, now),
  ]);
}
