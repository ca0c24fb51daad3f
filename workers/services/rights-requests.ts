import { and, asc, count, desc, eq, exists, gt, inArray, not, notInArray, type SQL, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Database } from '../../db/client';
import { auditEvents, clients, practices, rightsRequestEvents, rightsRequests, users } from '../../db/schema';
import { RIGHTS_STATUSES, type RIGHTS_TYPES } from '../../db/schema/rights-requests';
import { rightsAnswerEmail, type RightsAnswer } from '../../emails/rights-answer';
import { rightsPracticeNoticeEmail } from '../../emails/rights-practice-notice';
import { rightsVerifyEmail } from '../../emails/rights-verify';
import { compareByUrgency, daysLeft, dueDate, effectiveDueAt, isOverdue } from '../domain/deadlines';
import { isLocale, type Locale } from '../domain/locale';
import { hashToken, newId, randomToken } from '../lib/crypto';
import { AppError } from '../lib/errors';
import type { RightsRequestInput } from '../lib/rights-input';
import { type Actor, SYSTEM } from '../lib/actor';
import { type AuditAction, type AuditInput, auditRow } from './audit';
import type { Deps } from './deps';
import { findPractice, findPracticeBySlug } from './practices';
import { insertWhere } from './insert-where';
import { deliverQuietly } from './mail-delivery';
import { ERASED } from './erasure';

/**
 * Data-subject requests (Art. 12–22 GDPR): the portal's submission, identity verification by a single-use link, and
 * the shared machinery of every later step. Each step writes its trail entry and audit entry in the batch of the
 * state change it records; the DPO console's actions (rights-actions.ts) build on `applyStep`.
 */

export type RightsType = (typeof RIGHTS_TYPES)[number];
export type RightsStatus = (typeof RIGHTS_STATUSES)[number];
export type RightsRequest = typeof rightsRequests.$inferSelect;
export type TrailActor = 'subject' | 'dpo' | 'practice' | 'system';

export const VERIFY_LINK_LIFETIME_MS = 48 * 3_600_000;
/** Repeated identical submissions within this window are one request (a double click, a reload). */
export const DUPLICATE_WINDOW_MS = 10 * 60_000;
/** More requests for one address and practice a day are accepted and answered alike, but not stored or mailed. */
export const MAX_REQUESTS_PER_ADDRESS_PER_DAY = 5;

/** Identity confirmed, work may proceed. */
export const ACTIVE_STATUSES = ['verified', 'in_progress', 'extended'] as const satisfies readonly RightsStatus[];
export const CLOSED_STATUSES = ['completed', 'rejected'] as const satisfies readonly RightsStatus[];
export const OPEN_STATUSES = RIGHTS_STATUSES.filter((status) => status !== 'completed' && status !== 'rejected');

/** Trail actions (fixed codes, no personal content) and the audit action each is also recorded as. */
const AUDIT_OF = {
  'request.received': 'rights.received',
  'request.verified': 'rights.verified',
  'request.needs_in_person': 'rights.needs_in_person',
  'request.verified_in_person': 'rights.verified',
  'request.started': 'rights.started',
  'request.extended': 'rights.extended',
  'request.answered': 'rights.answered',
  'request.commented': 'rights.commented',
  'request.completed': 'rights.completed',
  'request.rejected': 'rights.rejected',
  'access.link_sent': 'rights.link_sent',
  'rectification.applied': 'rights.rectified',
  'erasure.report': 'rights.erasure_reported',
  'restriction.applied': 'rights.restricted',
  'objection.applied': 'rights.objected',
  'withdrawal.recorded': 'rights.withdrawal_recorded',
} as const satisfies Record<string, AuditAction>;
export type TrailAction = keyof typeof AUDIT_OF;

function trailRow(requestId: string, at: number, actor: TrailActor, action: TrailAction, note?: string | null) {
  return { id: newId(), requestId, at, actor, action, note: note ?? null };
}

function rowExists(db: Database, table: typeof rightsRequests | typeof rightsRequestEvents, id: string, where?: SQL): SQL {
  return exists(db.select({ one: sql`1` }).from(table).where(and(eq(table.id, id), where)));
}

function localeOf(value: string): Locale {
  return isLocale(value) ? value : 'de';
}

export async function practiceOf(deps: Deps, practiceId: string) {
  const practice = await findPractice(deps, practiceId);
  if (!practice) throw new AppError('NOT_FOUND', 'rights.noSuchRequest');
  return practice;
}

/** An identical request, or the day's allowance for this address used up: either way nothing new is stored. */
function repeated(db: Database, row: { practiceId: string; email: string; types: RightsType[]; details: string | null; receivedAt: number }): SQL {
  const sameAddress = and(eq(rightsRequests.practiceId, row.practiceId), eq(rightsRequests.email, row.email));
  const identical = db
    .select({ one: sql`1` })
    .from(rightsRequests)
    .where(and(sameAddress, eq(rightsRequests.types, row.types), sql`${rightsRequests.details} IS ${row.details}`, gt(rightsRequests.receivedAt, row.receivedAt - DUPLICATE_WINDOW_MS)));
  const today = db.select({ n: count() }).from(rightsRequests).where(and(sameAddress, gt(rightsRequests.receivedAt, row.receivedAt - 86_400_000)));
  return sql`(${exists(identical)} OR (${today}) >= ${MAX_REQUESTS_PER_ADDRESS_PER_DAY})`;
}

/**
 * Stores a request and prepares its verification mail. The caller answers the same in every case and sends the mail
 * outside the response (`deliver`), so neither the answer nor its timing tells whether the address is a client's.
 * A client's address gets a single-use link (Art. 12(6) GDPR: the controller may confirm identity). Any other
 * address gets no mail at all: the request waits for the practice to confirm the person in person, because it may be
 * a client with no address on file, and mailing unknown addresses would let anyone send practice-branded mail to
 * strangers and tell them someone linked them to a therapy practice.
 */
export async function submitRightsRequest(deps: Deps, input: RightsRequestInput, locale: Locale): Promise<{ deliver: () => Promise<void> }> {
  const practice = await findPracticeBySlug(deps, input.practice);
  if (!practice) throw new AppError('NOT_FOUND', { key: 'rights.noPractice', params: { slug: input.practice } });
  const client = await deps.db.query.clients.findFirst({ where: and(eq(clients.practiceId, practice.id), eq(clients.email, input.email)), columns: { id: true } });
  const now = deps.now();
  const token = client ? randomToken(32) : null;
  const id = newId();
  const row = {
    id,
    practiceId: practice.id,
    types: input.types,
    email: input.email,
    details: input.details ?? null,
    locale,
    status: client ? 'awaiting_verification' : 'needs_in_person',
    receivedAt: now,
    dueAt: dueDate(now, practice.timeZone),
    verifyTokenHash: token ? await hashToken(token) : null,
    verifyExpiresAt: token ? now + VERIFY_LINK_LIFETIME_MS : null,
    createdAt: now,
  } satisfies typeof rightsRequests.$inferInsert;
  const stored = rowExists(deps.db, rightsRequests, id);
  const [created] = await deps.db.batch([
    insertWhere(deps.db, rightsRequests, row, not(repeated(deps.db, row))).returning({ id: rightsRequests.id }),
    insertWhere(deps.db, rightsRequestEvents, trailRow(id, now, 'subject', 'request.received'), stored),
    ...(client ? [] : [insertWhere(deps.db, rightsRequestEvents, trailRow(id, now, 'system', 'request.needs_in_person'), stored)]),
    insertWhere(deps.db, auditEvents, auditRow(
      // The subject sent it from the public form; the request's own id names them, as the verification link does later.
      { action: 'rights.received', actor: { kind: 'client', via: 'rights', practiceId: practice.id, requestId: id }, practiceId: practice.id, targetId: id },
      now,
    ), stored),
  ]);
  if (created.length === 0 || !token) return { deliver: async () => undefined };
  const email = rightsVerifyEmail(
    { link: `${deps.config.APP_ORIGIN}/rights/verify/${token}`, practiceName: practice.name, hours: VERIFY_LINK_LIFETIME_MS / 3_600_000, types: input.types },
    locale,
  );
  return {
    deliver: async () => {
      await deliverQuietly(deps, { to: input.email, ...email }, 'rights email');
    },
  };
}

/** The request behind a verification link, while the link is unused and unexpired; anything else is one 404. */
async function requestByLink(deps: Deps, token: string) {
  const invalid = new AppError('NOT_FOUND', 'rights.linkInvalid');
  if (token.length < 20 || token.length > 128) throw invalid;
  const tokenHash = await hashToken(token);
  const request = await deps.db.query.rightsRequests.findFirst({
    where: and(eq(rightsRequests.verifyTokenHash, tokenHash), eq(rightsRequests.status, 'awaiting_verification'), gt(rightsRequests.verifyExpiresAt, deps.now())),
  });
  if (!request) throw invalid;
  return { request, tokenHash, practice: await practiceOf(deps, request.practiceId) };
}

/** What the confirmation page shows; reading it changes nothing, because mail scanners open links. */
export async function verificationView(deps: Deps, token: string) {
  const { request, practice } = await requestByLink(deps, token);
  return { practiceName: practice.name, types: request.types };
}

/**
 * Confirms the request: the link is claimed in the same batch that changes the status, so of two uses exactly one
 * counts. The client is matched again now; if the address is no longer a client's, the practice confirms in person.
 */
export async function confirmRequest(deps: Deps, token: string) {
  const { request, tokenHash, practice } = await requestByLink(deps, token);
  const client = await deps.db.query.clients.findFirst({ where: and(eq(clients.practiceId, request.practiceId), eq(clients.email, request.email)), columns: { id: true } });
  const now = deps.now();
  const linkGone = { verifyTokenHash: null, verifyExpiresAt: null };
  await applyStep(deps, request, {
    from: ['awaiting_verification'],
    guard: and(eq(rightsRequests.verifyTokenHash, tokenHash), gt(rightsRequests.verifyExpiresAt, now)),
    actor: 'subject',
    action: client ? 'request.verified' : 'request.needs_in_person',
    changes: client ? { ...linkGone, status: 'verified', clientId: client.id, verifiedAt: now } : { ...linkGone, status: 'needs_in_person' },
  });
  if (client) await notifyPractice(deps, request, practice);
  return { status: client ? ('verified' as const) : ('needs_in_person' as const), dueAt: effectiveDueAt(request), timeZone: practice.timeZone, practiceName: practice.name };
}

export type Step = {
  from: readonly RightsStatus[];
  actor: TrailActor;
  action: TrailAction;
  note?: string | null | undefined;
  userId?: string | null | undefined;
  changes?: Partial<typeof rightsRequests.$inferInsert>;
  guard?: SQL | undefined;
  /** Further writes of the same change; `claimed` is true inside the batch only if this step won. */
  also?: (claimed: SQL) => BatchItem<'sqlite'>[];
  audits?: AuditInput[];
};

/** The trail's actor as the audit entry's: the DPO or the practice by account, the subject through their link. */
function stepActor(step: Pick<Step, 'actor' | 'userId'>, request: Pick<RightsRequest, 'id' | 'practiceId'>): Actor {
  if (step.actor === 'dpo' && step.userId) return { kind: 'dpo', userId: step.userId };
  if (step.actor === 'practice' && step.userId) return { kind: 'therapist', userId: step.userId, practiceId: request.practiceId };
  if (step.actor === 'subject') return { kind: 'client', via: 'rights', practiceId: request.practiceId, requestId: request.id };
  return SYSTEM;
}

/**
 * One step of a request's life in one batch: the trail entry is written only if the request is still in one of the
 * `from` statuses (and the guard holds), then the request changes under the same condition, then the audit entries
 * follow the trail entry. A step that lost a race to another changes nothing and answers 409.
 */
export async function applyStep(deps: Deps, request: Pick<RightsRequest, 'id' | 'practiceId'>, step: Step) {
  const { db } = deps;
  const now = deps.now();
  const claim = and(eq(rightsRequests.id, request.id), inArray(rightsRequests.status, [...step.from]), step.guard);
  const event = trailRow(request.id, now, step.actor, step.action, step.note);
  const claimed = rowExists(db, rightsRequestEvents, event.id);
  const audits: AuditInput[] = [{ action: AUDIT_OF[step.action], actor: stepActor(step, request), practiceId: request.practiceId, targetId: request.id }, ...(step.audits ?? [])];
  const [written] = await db.batch([
    insertWhere(db, rightsRequestEvents, event, exists(db.select({ one: sql`1` }).from(rightsRequests).where(claim))).returning({ id: rightsRequestEvents.id }),
    ...(step.also?.(claimed) ?? []),
    ...(step.changes ? [db.update(rightsRequests).set(step.changes).where(claim)] : []),
    ...audits.map((entry) => insertWhere(db, auditEvents, auditRow(entry, now), claimed)),
  ]);
  if (written.length === 0) throw new AppError('CONFLICT', 'rights.changedMeanwhile');
}

/** The practice learns that a confirmed request concerns one of its clients: kinds and deadline, nothing else. */
export async function notifyPractice(deps: Deps, request: RightsRequest, practice: { id: string; timeZone: string; locale: string }) {
  const owner = await deps.db.query.users.findFirst({ where: and(eq(users.practiceId, practice.id), eq(users.role, 'therapist')), columns: { email: true } });
  if (!owner) return;
  const email = rightsPracticeNoticeEmail(
    { types: request.types, dueAt: effectiveDueAt(request), timeZone: practice.timeZone, link: `${deps.config.APP_ORIGIN}/dashboard/requests` },
    localeOf(practice.locale),
  );
  await deliverQuietly(deps, { to: owner.email, ...email }, 'rights email');
}

/** Tells the subject, in the language of the request, at the address given, unless erasure has removed it. */
export async function tellSubject(deps: Deps, request: Pick<RightsRequest, 'email' | 'locale'>, practiceName: string, answer: RightsAnswer) {
  if (request.email === ERASED) return;
  await deliverQuietly(deps, { to: request.email, ...rightsAnswerEmail({ practiceName, answer }, localeOf(request.locale)) }, 'rights email');
}

export type QueueRow = {
  id: string;
  practiceName: string;
  timeZone: string;
  types: RightsType[];
  status: RightsStatus;
  receivedAt: number;
  dueAt: number;
  daysLeft: number;
  overdue: boolean;
  closed: boolean;
};

function toQueueRow(row: { request: RightsRequest; practiceName: string; timeZone: string }, now: number): QueueRow {
  const { request } = row;
  const due = effectiveDueAt(request);
  const closed = request.status === 'completed' || request.status === 'rejected';
  return {
    id: request.id,
    practiceName: row.practiceName,
    timeZone: row.timeZone,
    types: request.types,
    status: request.status,
    receivedAt: request.receivedAt,
    dueAt: due,
    daysLeft: daysLeft(due, now, row.timeZone),
    overdue: !closed && isOverdue(due, now),
    closed,
  };
}

/** The DPO's queue: every open request, overdue first, then the most recently closed ones. */
export async function requestQueue(deps: Deps, closedShown = 100): Promise<QueueRow[]> {
  const base = () =>
    deps.db
      .select({ request: rightsRequests, practiceName: practices.name, timeZone: practices.timeZone })
      .from(rightsRequests)
      .innerJoin(practices, eq(practices.id, rightsRequests.practiceId));
  const [open, closed] = await Promise.all([
    base().where(notInArray(rightsRequests.status, [...CLOSED_STATUSES])).orderBy(asc(rightsRequests.dueAt)).limit(1000),
    base().where(inArray(rightsRequests.status, [...CLOSED_STATUSES])).orderBy(desc(rightsRequests.completedAt)).limit(closedShown),
  ]);
  const now = deps.now();
  return [...open, ...closed].map((row) => toQueueRow(row, now)).sort(compareByUrgency);
}

/** Entries of one step share a millisecond; the order they were written in keeps the trail readable. */
const INSERTION_ORDER = sql`rowid`;

export async function requestTrail(deps: Deps, requestId: string) {
  return deps.db.query.rightsRequestEvents.findMany({ where: eq(rightsRequestEvents.requestId, requestId), orderBy: [asc(rightsRequestEvents.at), asc(INSERTION_ORDER)] });
}

/** A request page of the DPO: the request, its practice, the linked client, the trail, and whom it may concern. */
export async function requestDetail(deps: Deps, requestId: string) {
  const request = await deps.db.query.rightsRequests.findFirst({ where: eq(rightsRequests.id, requestId) });
  if (!request) throw new AppError('NOT_FOUND', 'rights.noSuchRequest');
  const [practice, client, trail, candidates] = await Promise.all([
    practiceOf(deps, request.practiceId),
    request.clientId ? deps.db.query.clients.findFirst({ where: eq(clients.id, request.clientId) }) : undefined,
    requestTrail(deps, request.id),
    request.status === 'needs_in_person'
      ? deps.db.query.clients.findMany({ where: eq(clients.practiceId, request.practiceId), columns: { id: true, displayName: true, email: true }, orderBy: asc(clients.displayName), limit: 1000 })
      : [],
  ]);
  return { request, practice, client: client ?? null, trail, candidates, row: toQueueRow({ request, practiceName: practice.name, timeZone: practice.timeZone }, deps.now()) };
}

/** Requests the practice takes part in: confirmed ones and those waiting for an in-person check, never unconfirmed ones. */
function practiceScope(practiceId: string) {
  return and(eq(rightsRequests.practiceId, practiceId), not(eq(rightsRequests.status, 'awaiting_verification')));
}

export async function practiceRequest(deps: Deps, practiceId: string, requestId: string): Promise<RightsRequest> {
  const request = await deps.db.query.rightsRequests.findFirst({ where: and(eq(rightsRequests.id, requestId), practiceScope(practiceId)) });
  if (!request) throw new AppError('NOT_FOUND', 'rights.noSuchRequestForPractice');
  return request;
}

/** The practice's page shows its newest requests; older ones stay with the DPO. */
const PRACTICE_REQUESTS_SHOWN = 200;

export async function practiceRequests(deps: Deps, practiceId: string) {
  const practice = await practiceOf(deps, practiceId);
  const newest = deps.db
    .select({ id: rightsRequests.id })
    .from(rightsRequests)
    .where(practiceScope(practiceId))
    .orderBy(desc(rightsRequests.receivedAt))
    .limit(PRACTICE_REQUESTS_SHOWN);
  const [rows, events] = await Promise.all([
    deps.db
      .select({ request: rightsRequests, clientName: clients.displayName })
      .from(rightsRequests)
      .leftJoin(clients, eq(clients.id, rightsRequests.clientId))
      .where(practiceScope(practiceId))
      .orderBy(desc(rightsRequests.receivedAt))
      .limit(PRACTICE_REQUESTS_SHOWN),
    // The trails of the same requests, chosen by a subquery: a list of ids would hit D1's 100 bound parameters.
    deps.db.query.rightsRequestEvents.findMany({ where: inArray(rightsRequestEvents.requestId, newest), orderBy: [asc(rightsRequestEvents.at), asc(INSERTION_ORDER)] }),
  ]);
  const trails = new Map<string, typeof events>();
  for (const event of events) {
    const trail = trails.get(event.requestId);
    if (trail) trail.push(event);
    else trails.set(event.requestId, [event]);
  }
  const now = deps.now();
  return rows
    .map(({ request, clientName }) => ({
      ...toQueueRow({ request, practiceName: practice.name, timeZone: practice.timeZone }, now),
      clientName,
      email: request.status === 'needs_in_person' ? request.email : null,
      details: request.details,
      trail: trails.get(request.id) ?? [],
    }))
    .sort(compareByUrgency);
}
