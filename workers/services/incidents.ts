import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { isUniqueViolation } from '../../db/errors';
import { chunksOf, MAX_BOUND_PARAMETERS, rowChunks } from '../../db/bound-parameters';
import { incidentNotices, incidentUpdates, incidents, practices, users } from '../../db/schema';
import { breachNoticeEmail } from '../../emails/breach-notice';
import { breachSubjectNoticeEmail } from '../../emails/breach-subject-notice';
import type { RenderedEmail } from '../../emails/render';
import {
  affectedPractices,
  type BreachClock,
  breachClock,
  type BreachDataCategory,
  type IncidentScope,
  NOTIFICATION_WINDOW_MS,
  type NoticeKey,
  pendingNotices,
  type SubjectCategory,
  supervisoryAuthority,
} from '../domain/breach';
import { isLocale, LOCALES, type Locale } from '../domain/locale';
import { newId } from '../lib/crypto';
import { AppError } from '../lib/errors';
import type { DpoActor } from '../lib/actor';
import { auditInsert } from './audit';
import type { Deps } from './deps';

// The breach register and the notices to practices (Art. 33 GDPR). Each notice is claimed in incident_notices before
// it is sent; the unique index admits one claim per incident, practice and update, so a repeated or concurrent
// "notify" sends nothing twice.

export type IncidentInput = {
  awareAt: number;
  nature: string;
  dataCategories: BreachDataCategory[];
  subjectCategories: SubjectCategory[];
  approxSubjects: number;
  approxRecords: number;
  consequences: string;
  measures: string;
  contact: string;
  /** Practices are chosen by booking address in the form and stored by id. */
  scope: { kind: 'all' } | { kind: 'practices'; slugs: string[] } | { kind: 'window'; from: number; to: number };
  highRisk: boolean;
};

type Incident = typeof incidents.$inferSelect;
type Practice = Pick<typeof practices.$inferSelect, 'id' | 'name' | 'slug' | 'timeZone' | 'locale' | 'contactEmail' | 'createdAt'>;
export type NotifyResult = { sent: number; skipped: number; failed: number };

/** A short reference for emails and the console: the first characters of the random id. */
export function referenceOf(id: string): string {
  return id.slice(0, 8).toUpperCase();
}

async function resolveScope(deps: Deps, scope: IncidentInput['scope']): Promise<IncidentScope> {
  if (scope.kind !== 'practices') return scope;
  const found = await deps.db.select({ id: practices.id, slug: practices.slug }).from(practices).where(inArray(practices.slug, scope.slugs));
  const unknown = scope.slugs.filter((slug) => !found.some((p) => p.slug === slug));
  if (unknown.length) throw new AppError('VALIDATION_FAILED', 'incidents.unknownSlugs', { practiceSlugs: { key: 'incidents.unknownSlugsField', params: { slugs: unknown.join(', ') } } });
  return { kind: 'practices', practiceIds: found.map((p) => p.id) };
}

export async function createIncident(deps: Deps, actor: DpoActor, input: IncidentInput): Promise<string> {
  const now = deps.now();
  if (input.awareAt > now) throw new AppError('VALIDATION_FAILED', 'incidents.awareInFuture', { awareAt: 'incidents.awareInFutureField' });
  const scope = await resolveScope(deps, input.scope);
  const id = newId();
  await deps.db.batch([
    deps.db.insert(incidents).values({ ...input, id, scope, closedAt: null, createdAt: now }),
    auditInsert(deps.db, { action: 'incident.created', actor, targetId: id }, now),
  ]);
  return id;
}

async function findIncident(deps: Deps, id: string): Promise<Incident> {
  const incident = await deps.db.query.incidents.findFirst({ where: eq(incidents.id, id) });
  if (!incident) throw new AppError('NOT_FOUND', 'incidents.notFound');
  return incident;
}

async function findOpenIncident(deps: Deps, id: string): Promise<Incident> {
  const incident = await findIncident(deps, id);
  if (incident.closedAt !== null) throw new AppError('CONFLICT', 'incidents.closed');
  return incident;
}

export type IncidentSummary = Pick<Incident, 'id' | 'nature' | 'awareAt' | 'closedAt' | 'highRisk'> & { reference: string; clock: BreachClock };

/** Open incidents first, the most urgent deadline on top; then closed ones, the latest closed first. */
export async function listIncidents(deps: Deps): Promise<IncidentSummary[]> {
  const rows = await deps.db.select().from(incidents);
  const now = deps.now();
  return rows
    .map((row) => ({ id: row.id, nature: row.nature, awareAt: row.awareAt, closedAt: row.closedAt, highRisk: row.highRisk, reference: referenceOf(row.id), clock: breachClock(row.awareAt, now) }))
    .sort(byUrgency);
}

function byUrgency(a: IncidentSummary, b: IncidentSummary): number {
  if (a.closedAt === null && b.closedAt === null) return a.clock.deadline - b.clock.deadline;
  if (a.closedAt === null) return -1;
  if (b.closedAt === null) return 1;
  return b.closedAt - a.closedAt;
}

async function allPractices(deps: Deps): Promise<Practice[]> {
  return deps.db
    .select({ id: practices.id, name: practices.name, slug: practices.slug, timeZone: practices.timeZone, locale: practices.locale, contactEmail: practices.contactEmail, createdAt: practices.createdAt })
    .from(practices)
    .orderBy(asc(practices.createdAt));
}

async function updatesOf(deps: Deps, id: string) {
  return deps.db.select().from(incidentUpdates).where(eq(incidentUpdates.incidentId, id)).orderBy(asc(incidentUpdates.at), asc(incidentUpdates.id));
}

async function noticesOf(deps: Deps, id: string) {
  return deps.db
    .select({ practiceId: incidentNotices.practiceId, practiceName: practices.name, kind: incidentNotices.kind, updateId: incidentNotices.updateId, sentAt: incidentNotices.sentAt })
    .from(incidentNotices)
    .innerJoin(practices, eq(practices.id, incidentNotices.practiceId))
    .where(eq(incidentNotices.incidentId, id))
    .orderBy(asc(incidentNotices.sentAt));
}

type Notice = Awaited<ReturnType<typeof noticesOf>>[number];

function sentKeysByPractice(notices: Notice[]): Map<string, NoticeKey[]> {
  const byPractice = new Map<string, NoticeKey[]>();
  for (const n of notices) {
    if (n.kind === 'subjects') continue;
    const keys = byPractice.get(n.practiceId) ?? [];
    keys.push({ kind: n.kind, updateId: n.updateId ?? '' });
    byPractice.set(n.practiceId, keys);
  }
  return byPractice;
}

export type IncidentView = {
  incident: Incident;
  reference: string;
  clock: BreachClock;
  updates: Awaited<ReturnType<typeof updatesOf>>;
  notices: Notice[];
  affected: number;
  pending: number;
  /** Art. 34 notice in every language when the risk is high, with the practice left as a placeholder. */
  subjectNotices: { locale: Locale; subject: string; text: string }[];
};

export async function loadIncident(deps: Deps, id: string): Promise<IncidentView> {
  const incident = await findIncident(deps, id);
  const [updates, notices, candidates] = await Promise.all([updatesOf(deps, id), noticesOf(deps, id), allPractices(deps)]);
  const affected = affectedPractices(incident.scope, candidates);
  const sent = sentKeysByPractice(notices);
  const updateIds = updates.map((u) => u.id);
  const pending = affected.filter((p) => pendingNotices(sent.get(p.id) ?? [], updateIds).length > 0).length;
  const subjectNotices = incident.highRisk ? LOCALES.map((locale) => ({ locale, ...breachSubjectNoticeEmail({ incident }, locale) })) : [];
  return { incident, reference: referenceOf(id), clock: breachClock(incident.awareAt, deps.now()), updates, notices, affected: affected.length, pending, subjectNotices };
}

/** Art. 33(4): information that is not available at once may be provided in phases. Updates are append-only. */
export async function addIncidentUpdate(deps: Deps, actor: DpoActor, id: string, text: string): Promise<void> {
  await findOpenIncident(deps, id);
  const now = deps.now();
  const updateId = newId();
  await deps.db.batch([
    deps.db.insert(incidentUpdates).values({ id: updateId, incidentId: id, at: now, text }),
    auditInsert(deps.db, { action: 'incident.updated', actor, targetId: id }, now),
  ]);
}

export async function closeIncident(deps: Deps, actor: DpoActor, id: string): Promise<void> {
  const incident = await findIncident(deps, id);
  if (incident.closedAt !== null) return;
  const now = deps.now();
  await deps.db.batch([
    deps.db.update(incidents).set({ closedAt: now }).where(and(eq(incidents.id, id), isNull(incidents.closedAt))),
    auditInsert(deps.db, { action: 'incident.closed', actor, targetId: id }, now),
  ]);
}

function localeOf(practice: Practice): Locale {
  return isLocale(practice.locale) ? practice.locale : 'de';
}

/** The Art. 34 notice for the console: per language, with the practice's name left as a placeholder. */
export async function subjectNoticeTemplate(deps: Deps, id: string, locale: Locale): Promise<RenderedEmail> {
  const incident = await findIncident(deps, id);
  return breachSubjectNoticeEmail({ incident }, locale);
}

function noticeFor(incident: Incident, practice: Practice, claims: NoticeKey[], updates: Awaited<ReturnType<typeof updatesOf>>): RenderedEmail {
  const locale = localeOf(practice);
  const initial = claims.some((k) => k.kind === 'practice');
  const claimed = new Set(claims.map((k) => k.updateId));
  return breachNoticeEmail(
    {
      kind: initial ? 'initial' : 'update',
      reference: referenceOf(incident.id),
      practice,
      incident,
      updates: (initial ? updates : updates.filter((u) => claimed.has(u.id))).map((u) => ({ at: u.at, text: u.text })),
      deadline: incident.awareAt + NOTIFICATION_WINDOW_MS,
      authority: supervisoryAuthority(practice.timeZone),
      subjectNotice: incident.highRisk ? breachSubjectNoticeEmail({ incident, practice }, locale).text : undefined,
    },
    locale,
  );
}

/** The practice's therapists and its contact address, each once. */
function recipientsOf(practice: Practice, therapists: { practiceId: string | null; email: string }[]): string[] {
  const emails = therapists.filter((t) => t.practiceId === practice.id).map((t) => t.email.toLowerCase());
  if (practice.contactEmail) emails.push(practice.contactEmail.toLowerCase());
  return [...new Set(emails)];
}

type Context = { deps: Deps; incident: Incident; updates: Awaited<ReturnType<typeof updatesOf>>; actor: DpoActor };

async function notifyPractice(ctx: Context, practice: Practice, claims: NoticeKey[], recipients: string[]): Promise<keyof NotifyResult> {
  const { deps, incident } = ctx;
  if (!claims.length) return 'skipped';
  const now = deps.now();
  const rows = claims.map((k) => ({ id: newId(), incidentId: incident.id, practiceId: practice.id, kind: k.kind, updateId: k.updateId, sentAt: now, createdAt: now }));
  const audit = { actor: ctx.actor, practiceId: practice.id, targetId: incident.id };
  try {
    // One row per update not yet sent: the DPO's updates are unbounded, D1's bound parameters are not.
    const claimed = rowChunks(incidentNotices, rows).map((chunk) => deps.db.insert(incidentNotices).values(chunk));
    await deps.db.batch([auditInsert(deps.db, { ...audit, action: 'incident.practice_notified' }, now), ...claimed]);
  } catch (error) {
    // A concurrent or repeated action claimed this notice first: it is (being) sent there, not here.
    if (isUniqueViolation(error, 'incident_notices.')) return 'skipped';
    throw error;
  }
  const email = noticeFor(incident, practice, claims, ctx.updates);
  let delivered = 0;
  for (const to of recipients) {
    try {
      await deps.mailer.send({ to, ...email });
      delivered += 1;
    } catch {
      console.error('incident notice: one delivery failed');
    }
  }
  if (delivered > 0) return 'sent';
  // Nobody received it: release the claim so that the next "notify" tries again.
  await deps.db.batch([
    auditInsert(deps.db, { ...audit, action: 'incident.notice_failed' }, deps.now()),
    ...chunksOf(rows.map((r) => r.id), MAX_BOUND_PARAMETERS).map((ids) => deps.db.delete(incidentNotices).where(inArray(incidentNotices.id, ids))),
  ]);
  return 'failed';
}

/**
 * Sends each practice in the incident's scope what it has not received yet (Art. 33(2): the processor informs the
 * controller without undue delay). Practices are handled one after another; one failing does not stop the others.
 */
export async function notifyAffectedPractices(deps: Deps, actor: DpoActor, id: string): Promise<NotifyResult> {
  const incident = await findOpenIncident(deps, id);
  const [updates, notices, candidates, therapists] = await Promise.all([
    updatesOf(deps, id),
    noticesOf(deps, id),
    allPractices(deps),
    deps.db.select({ practiceId: users.practiceId, email: users.email }).from(users).where(eq(users.role, 'therapist')),
  ]);
  const sent = sentKeysByPractice(notices);
  const updateIds = updates.map((u) => u.id);
  const result: NotifyResult = { sent: 0, skipped: 0, failed: 0 };
  const ctx: Context = { deps, incident, updates, actor };
  for (const practice of affectedPractices(incident.scope, candidates)) {
    const claims = pendingNotices(sent.get(practice.id) ?? [], updateIds);
    result[await notifyPractice(ctx, practice, claims, recipientsOf(practice, therapists))] += 1;
  }
  return result;
}

export type TimelineEvent =
  | { at: string; type: 'aware' | 'created' | 'closed' }
  | { at: string; type: 'update'; updateId: string; text: string }
  | { at: string; type: 'notice'; kind: string; updateId: string | null; practiceId: string; practiceName: string };

/** The incident with its clock and every event in time order, as the JSON export and the detail page show it. */
export function timelineOf(view: IncidentView) {
  const { incident } = view;
  const iso = (at: number) => new Date(at).toISOString();
  const events: (TimelineEvent & { ms: number })[] = [
    { ms: incident.awareAt, at: iso(incident.awareAt), type: 'aware' },
    { ms: incident.createdAt, at: iso(incident.createdAt), type: 'created' },
    ...view.updates.map((u) => ({ ms: u.at, at: iso(u.at), type: 'update' as const, updateId: u.id, text: u.text })),
    ...view.notices.map((n) => ({ ms: n.sentAt, at: iso(n.sentAt), type: 'notice' as const, kind: n.kind, updateId: n.updateId || null, practiceId: n.practiceId, practiceName: n.practiceName })),
    ...(incident.closedAt !== null ? [{ ms: incident.closedAt, at: iso(incident.closedAt), type: 'closed' as const }] : []),
  ];
  // A stable sort keeps creation before the updates and notices of the same millisecond.
  events.sort((a, b) => a.ms - b.ms);
  return {
    incident: { ...incident, reference: view.reference, awareAt: iso(incident.awareAt), createdAt: iso(incident.createdAt), closedAt: incident.closedAt === null ? null : iso(incident.closedAt) },
    clock: { deadline: iso(view.clock.deadline), remainingMs: view.clock.remainingMs, overdue: view.clock.overdue },
    events: events.map(({ ms: _ms, ...event }) => event),
  };
}
