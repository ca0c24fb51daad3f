import { and, eq, inArray, or, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { CATALOG } from '../../db/catalog';
import { appointments, auditEvents, clients, outboxMessages, practices, users } from '../../db/schema';
import { AppError } from '../lib/errors';
import type { TherapistActor } from '../lib/actor';
import { auditInsert } from './audit';
import { purgeCallRooms } from './erasure';
import type { Deps } from './deps';
import { claimSignInAttempt } from './sign-in-throttle';
import { checkSecondFactor } from './totp';
import { findPractice } from './practices';

/**
 * Deleting a practice account (Art. 17 GDPR, and the end of the processing agreement, Art. 28(3)(g)): every row of the
 * practice, its therapist and its clients goes in one batch, so a failure leaves everything as it was. The rows are
 * found from the catalog of tables (db/catalog.ts) rather than a hand-kept list — every table with a practice_id,
 * user_id or client_id — and deleted in the catalog's children-first order, so the result does not depend on the
 * database enforcing cascades. The call rooms of its video appointments are emptied first, as in erasure.
 * Two tables are special: the audit log is kept for accountability (Art. 5(2)) but loses every reference to the
 * practice (the one change its trigger allows), and the local outbox loses the messages addressed to its people.
 */
export type DeletionInput = { password: string; confirmSlug: string; totp?: string | undefined };

type Owned = { name: string; table: SQLiteTable; columns: Record<string, SQLiteColumn>; where: SQL };

const SPECIAL = new Set(['audit_events', 'outbox_messages']);

function ownedRows(deps: Deps, practiceId: string): Owned[] {
  const practiceUsers = deps.db.select({ id: users.id }).from(users).where(eq(users.practiceId, practiceId));
  const practiceClients = deps.db.select({ id: clients.id }).from(clients).where(eq(clients.practiceId, practiceId));
  return CATALOG.flatMap(({ name, table, columns }) => {
    if (SPECIAL.has(name)) return [];
    const link =
      table === practices
        ? eq(practices.id, practiceId)
        : columns.practiceId
          ? eq(columns.practiceId, practiceId)
          : columns.userId
            ? inArray(columns.userId, practiceUsers)
            : columns.clientId
              ? inArray(columns.clientId, practiceClients)
              : undefined;
    return link ? [{ name, table, columns, where: link }] : [];
  });
}

/** Audit entries keep what happened and when, and lose who and to what (actor, practice, target set to NULL). */
function anonymiseAudit(deps: Deps, practiceId: string, owned: Owned[]) {
  const targets = owned.flatMap(({ table, columns, where }) => (columns.id ? [inArray(auditEvents.targetId, deps.db.select({ id: columns.id }).from(table).where(where))] : []));
  const practiceUsers = deps.db.select({ id: users.id }).from(users).where(eq(users.practiceId, practiceId));
  return deps.db
    .update(auditEvents)
    .set({ actorUserId: null, practiceId: null, targetId: null })
    .where(or(eq(auditEvents.practiceId, practiceId), inArray(auditEvents.actorUserId, practiceUsers), ...targets));
}

/** Development outbox: messages to the therapist, the practice's contact address and its clients. */
function clearOutbox(deps: Deps, practiceId: string) {
  return deps.db
    .delete(outboxMessages)
    .where(
      or(
        inArray(outboxMessages.recipient, deps.db.select({ email: users.email }).from(users).where(eq(users.practiceId, practiceId))),
        inArray(outboxMessages.recipient, deps.db.select({ email: practices.contactEmail }).from(practices).where(eq(practices.id, practiceId))),
        inArray(outboxMessages.recipient, deps.db.select({ email: clients.email }).from(clients).where(eq(clients.practiceId, practiceId))),
      ),
    );
}

async function verifyDeletion(deps: Deps, actor: TherapistActor, input: DeletionInput) {
  const { userId, practiceId } = actor;
  const user = await deps.db.query.users.findFirst({ where: and(eq(users.id, userId), eq(users.practiceId, practiceId)) });
  const practice = await findPractice(deps, practiceId);
  if (!user?.passwordHash || !practice) throw new AppError('NOT_FOUND', 'practice.notFound');
  if (input.confirmSlug.trim().toLowerCase() !== practice.slug) {
    throw new AppError('VALIDATION_FAILED', 'auth.deleteTypeSlug', { confirmSlug: { key: 'auth.deleteTypeSlugField', params: { slug: practice.slug } } });
  }
  const now = deps.now();
  // The same throttle as sign-in, counted before the password is checked: a stolen session must not become a way to
  // guess the password.
  await claimSignInAttempt(deps, user.email);
  const passwordOk = await deps.passwords.verify(user.passwordHash, input.password);
  const secondFactor = passwordOk && user.totpEnabledAt !== null ? await checkSecondFactor(deps, user, input.totp) : null;
  if (!passwordOk || (secondFactor && !secondFactor.ok && secondFactor.reason === 'wrong')) {
    await auditInsert(deps.db, { action: 'practice.deletion_refused', actor, practiceId }, now);
    if (!passwordOk) throw new AppError('VALIDATION_FAILED', 'auth.passwordWrong', { password: 'auth.passwordWrong' });
    throw new AppError('VALIDATION_FAILED', 'auth.codeWrong', { totp: 'auth.codeWrongField' });
  }
  if (secondFactor && !secondFactor.ok) {
    throw new AppError('VALIDATION_FAILED', 'auth.codeRequired', { totp: 'auth.codeRequiredField' });
  }
}

/** What the confirmation page asks the therapist to type. */
export async function deletionPreview(deps: Deps, practiceId: string): Promise<{ slug: string }> {
  const practice = await deps.db.query.practices.findFirst({ where: eq(practices.id, practiceId), columns: { slug: true } });
  if (!practice) throw new AppError('NOT_FOUND', 'practice.notFound');
  return practice;
}

/** Deletes the practice and everything of it after checking password, second factor and the typed booking address. */
export async function deleteAccount(deps: Deps, actor: TherapistActor, input: DeletionInput): Promise<void> {
  await verifyDeletion(deps, actor, input);
  const { practiceId } = actor;
  const owned = ownedRows(deps, practiceId);
  const now = deps.now();
  // The call rooms go first: a room that cannot be emptied stops the deletion before the database changes.
  await purgeCallRooms(deps, eq(appointments.practiceId, practiceId), now);
  await deps.db.batch([
    clearOutbox(deps, practiceId),
    anonymiseAudit(deps, practiceId, owned),
    ...owned.map(({ table, where }) => deps.db.delete(table).where(where)),
    // Accountability that a deletion happened, without saying whose.
    auditInsert(deps.db, { action: 'practice.deleted', actor, withoutAccount: true }, now),
  ]);
}
