import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { appointments, appointmentTypes, clients, rightsRequests } from '../../db/schema';
import { RIGHTS_STATUSES } from '../../db/schema/rights-requests';
import { activePurposes } from '../domain/consent-chain';
import { canExtend, extendedDueDate } from '../domain/deadlines';
import { withdrawalCancels } from '../domain/appointment-rules';
import { isLocale } from '../domain/locale';
import type { DpoActor } from '../lib/actor';
import type { PlainKey } from '../../web/i18n/errors';
import { AppError } from '../lib/errors';
import { createDownloadLink, type PackageFormat } from './access-package';
import { clientOfPractice, updateClient } from './clients';
import { chainHeadOf, clientConsentRecords } from './consent';
import { withdrawalChange } from './consent-withdrawal';
import type { Deps } from './deps';
import { eraseSubject, type ErasureReport, ERASED } from './erasure';
import {
  ACTIVE_STATUSES,
  applyStep,
  notifyPractice,
  OPEN_STATUSES,
  practiceOf,
  type RightsRequest,
  type RightsStatus,
  type RightsType,
  type Step,
  tellSubject,
} from './rights-requests';

/**
 * The DPO console's actions on one request. Each checks what the request asked for and where it stands, does the
 * work through the service that owns it, and records the step in the request's trail with an audit entry.
 */

/** The DPO acting on the console; every step's trail and audit entry name them. */
export type Officer = DpoActor;

async function requestById(deps: Deps, requestId: string): Promise<RightsRequest> {
  const request = await deps.db.query.rightsRequests.findFirst({ where: eq(rightsRequests.id, requestId) });
  if (!request) throw new AppError('NOT_FOUND', 'rights.noSuchRequest');
  return request;
}

function requireStatus(request: RightsRequest, allowed: readonly RightsStatus[], message: PlainKey) {
  if (!allowed.includes(request.status)) throw new AppError('CONFLICT', message);
}

/** An action for a confirmed, open request that asked for one of `types`, about a client still on record. */
function requireWork(request: RightsRequest, types: RightsType[]): string {
  requireStatus(request, ACTIVE_STATUSES, 'rights.onlyActive');
  if (!types.some((type) => request.types.includes(type))) throw new AppError('CONFLICT', { key: 'rights.didNotAskFor', params: { types: types.join(' or ') } });
  if (!request.clientId) throw new AppError('CONFLICT', 'rights.noClient');
  return request.clientId;
}

async function dpoStep(deps: Deps, officer: Officer, request: RightsRequest, step: Omit<Step, 'actor' | 'userId'>) {
  await applyStep(deps, request, { ...step, actor: 'dpo', userId: officer.userId });
}

export async function startWork(deps: Deps, officer: Officer, requestId: string) {
  const request = await requestById(deps, requestId);
  requireStatus(request, ['verified'], 'rights.onlyVerifiedStarts');
  await dpoStep(deps, officer, request, { from: ['verified'], action: 'request.started', changes: { status: 'in_progress' } });
}

/** The practice has confirmed the person in person (Art. 12(6) GDPR); the DPO links the client it concerns. */
export async function verifyInPerson(deps: Deps, officer: Officer, requestId: string, clientId: string) {
  const request = await requestById(deps, requestId);
  requireStatus(request, ['needs_in_person'], 'rights.onlyInPerson');
  const client = await clientOfPractice(deps, request.practiceId, clientId).catch(() => {
    throw new AppError('VALIDATION_FAILED', 'rights.clientOfPractice', { clientId: 'rights.notAClientField' });
  });
  const now = deps.now();
  await dpoStep(deps, officer, request, {
    from: ['needs_in_person'],
    action: 'request.verified_in_person',
    changes: { status: 'verified', clientId: client.id, verifiedAt: now },
  });
  await notifyPractice(deps, request, await practiceOf(deps, request.practiceId));
}

/** Art. 12(3): up to two further months, once, announced with the reason within the first month. */
export async function extendDeadline(deps: Deps, officer: Officer, requestId: string, input: { months: number; reason: string }) {
  const request = await requestById(deps, requestId);
  requireStatus(request, ['verified', 'in_progress'], 'rights.onlyExtendOnce');
  if (!canExtend(request.dueAt, deps.now())) throw new AppError('CONFLICT', 'rights.extensionTooLate');
  const practice = await practiceOf(deps, request.practiceId);
  const extendedDueAt = extendedDueDate(request.dueAt, input.months, practice.timeZone);
  await dpoStep(deps, officer, request, {
    from: ['verified', 'in_progress'],
    guard: isNull(rightsRequests.extendedDueAt),
    action: 'request.extended',
    note: input.reason,
    changes: { status: 'extended', extendedDueAt, extensionReason: input.reason },
  });
  await tellSubject(deps, request, practice.name, { kind: 'extension', dueAt: extendedDueAt, timeZone: practice.timeZone, reason: input.reason });
}

/** Access (Art. 15) and portability (Art. 20): a single-use download link, emailed to the confirmed address. */
export async function sendDownloadLink(deps: Deps, officer: Officer, requestId: string, format: PackageFormat) {
  const request = await requestById(deps, requestId);
  requireWork(request, ['access', 'export']);
  const practice = await practiceOf(deps, request.practiceId);
  const link = await createDownloadLink(deps, { requestId, format });
  await dpoStep(deps, officer, request, { from: ACTIVE_STATUSES, action: 'access.link_sent', note: format });
  await tellSubject(deps, request, practice.name, { kind: 'download', url: link.url, expiresAt: link.expiresAt, timeZone: practice.timeZone });
}

/** Art. 16 through the clients service, which overwrites the value; the trail names the fields, not the values. */
export async function rectify(deps: Deps, officer: Officer, requestId: string, patch: { displayName?: string | undefined; email?: string | undefined }) {
  const request = await requestById(deps, requestId);
  const clientId = requireWork(request, ['rectification']);
  await updateClient(deps, officer, request.practiceId, clientId, patch);
  const fields = [patch.displayName !== undefined ? 'display name' : null, patch.email !== undefined ? 'email' : null].filter(Boolean).join(', ');
  await dpoStep(deps, officer, request, { from: ACTIVE_STATUSES, action: 'rectification.applied', note: fields });
}

/** The report as the trail keeps it: tables, actions and counts, and the legal basis when restricted instead. */
export function summariseErasure(report: ErasureReport): string {
  const rows = report.rows.map((row) => `${row.table} ${row.action} ${row.rows}`).join(', ');
  return [`${report.outcome}: ${rows || 'nothing stored'}`, report.legalBasis ? `legal basis: ${report.legalBasis}` : null].filter(Boolean).join('; ');
}

/**
 * Art. 17 through the erasure service. The address is read first, since erasure anonymises the request; the summary
 * goes into the trail afterwards, so erasure does not blank it, and the subject is told the outcome.
 */
export async function erase(deps: Deps, officer: Officer, requestId: string) {
  const request = await requestById(deps, requestId);
  const clientId = requireWork(request, ['erasure']);
  const practice = await practiceOf(deps, request.practiceId);
  const report = await eraseSubject(deps, officer, { practiceId: request.practiceId, clientId, requestId });
  await dpoStep(deps, officer, request, { from: ACTIVE_STATUSES, action: 'erasure.report', note: summariseErasure(report) });
  await tellSubject(deps, request, practice.name, report.outcome === 'restricted' ? { kind: 'restricted', legalBasis: report.legalBasis ?? '' } : { kind: 'erased' });
  return report;
}

/** Art. 18 and 21: the flag blocks booking and every email to the client; set in the batch of the trail entry. */
export async function restrictOrObject(deps: Deps, officer: Officer, requestId: string, kind: 'restriction' | 'objection') {
  const request = await requestById(deps, requestId);
  const clientId = requireWork(request, [kind]);
  const now = deps.now();
  const flag = kind === 'restriction' ? { restrictedAt: sql`coalesce(${clients.restrictedAt}, ${now})` } : { objectedAt: sql`coalesce(${clients.objectedAt}, ${now})` };
  await dpoStep(deps, officer, request, {
    from: ACTIVE_STATUSES,
    action: kind === 'restriction' ? 'restriction.applied' : 'objection.applied',
    also: (claimed) => [deps.db.update(clients).set(flag).where(and(eq(clients.id, clientId), claimed))],
    audits: [{ action: kind === 'restriction' ? 'client.restricted' : 'client.objected', actor: officer, practiceId: request.practiceId, targetId: clientId }],
  });
}

/**
 * Art. 7(3): a 'withdrawn' record for every active purpose, appended to the practice's consent chain, and, as the
 * emailed withdrawal link does, the client's future appointments cancelled when the booking purpose goes (the same
 * withdrawal as the link's, see consent-withdrawal.ts). The trail step and the withdrawal commit together or not at all.
 */
export async function withdrawConsents(deps: Deps, officer: Officer, requestId: string) {
  const request = await requestById(deps, requestId);
  const clientId = requireWork(request, ['withdrawal']);
  const [client, practice, records] = await Promise.all([
    clientOfPractice(deps, request.practiceId, clientId),
    practiceOf(deps, request.practiceId),
    clientConsentRecords(deps, clientId),
  ]);
  const purposes = [...activePurposes(records)];
  const now = deps.now();
  const future = purposes.includes('booking')
    ? await deps.db
        .select({ appointment: appointments, type: appointmentTypes })
        .from(appointments)
        .innerJoin(appointmentTypes, eq(appointmentTypes.id, appointments.typeId))
        .where(and(eq(appointments.clientId, clientId), eq(appointments.status, 'booked'), gt(appointments.startAt, now)))
    : [];
  const cancels = future.filter(({ appointment }) => withdrawalCancels(purposes, appointment, now)).map((row) => ({ ...row, practice, client }));
  const withdrawal = { practiceId: request.practiceId, clientId, purposes, cancels, method: 'rights-request' as const, seenHead: chainHeadOf(records) };
  const note = `${purposes.length ? purposes.join(', ') : 'no active consent'}; ${cancels.length} future appointment(s) cancelled`;
  const change = purposes.length ? await withdrawalChange(deps, officer, withdrawal, now) : undefined;
  await dpoStep(deps, officer, request, { from: ACTIVE_STATUSES, action: 'withdrawal.recorded', note, also: (claimed) => (change ? [...change.writes(claimed)] : []) });
  // The notice goes in the language the client wrote the request in (the link's page language, for the link).
  await change?.notify(isLocale(request.locale) ? request.locale : 'de');
}

/** A free answer to the subject; the text goes by email only and is not stored (it may hold personal content). */
export async function answerSubject(deps: Deps, officer: Officer, requestId: string, message: string) {
  const request = await requestById(deps, requestId);
  requireStatus(request, ['needs_in_person', ...ACTIVE_STATUSES], 'rights.onlyOpenAnswered');
  if (request.email === ERASED) throw new AppError('CONFLICT', 'rights.addressErased');
  const practice = await practiceOf(deps, request.practiceId);
  await dpoStep(deps, officer, request, { from: ['needs_in_person', ...ACTIVE_STATUSES], action: 'request.answered' });
  await tellSubject(deps, request, practice.name, { kind: 'message', message });
}

export async function completeRequest(deps: Deps, officer: Officer, requestId: string, outcome: string | undefined) {
  const request = await requestById(deps, requestId);
  requireStatus(request, ACTIVE_STATUSES, 'rights.onlyActiveCompletes');
  await dpoStep(deps, officer, request, {
    from: ACTIVE_STATUSES,
    action: 'request.completed',
    note: outcome,
    changes: { status: 'completed', completedAt: deps.now(), outcome: outcome ?? null },
  });
}

/** Art. 12(4): the subject learns the reason and the remedies; an unused verification link stops working. */
export async function rejectRequest(deps: Deps, officer: Officer, requestId: string, reason: string) {
  const request = await requestById(deps, requestId);
  requireStatus(request, OPEN_STATUSES, 'rights.alreadyClosed');
  const practice = await practiceOf(deps, request.practiceId);
  await dpoStep(deps, officer, request, {
    from: OPEN_STATUSES,
    action: 'request.rejected',
    note: reason,
    changes: { status: 'rejected', completedAt: deps.now(), outcome: reason, verifyTokenHash: null, verifyExpiresAt: null },
  });
  await tellSubject(deps, request, practice.name, { kind: 'rejected', reason });
}

/** A comment in the trail, by the DPO on any request, or by the practice on a request it can see. */
export async function commentOn(deps: Deps, request: RightsRequest, author: { actor: 'dpo' | 'practice'; userId: string }, note: string) {
  // The practice never sees a request before it is confirmed, or waiting for the practice to confirm the person.
  const from = RIGHTS_STATUSES.filter((status) => author.actor === 'dpo' || status !== 'awaiting_verification');
  await applyStep(deps, request, { from, actor: author.actor, userId: author.userId, action: 'request.commented', note });
}

export async function commentAsDpo(deps: Deps, officer: Officer, requestId: string, note: string) {
  await commentOn(deps, await requestById(deps, requestId), { actor: 'dpo', userId: officer.userId }, note);
}
