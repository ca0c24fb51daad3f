import { and, eq, gt, inArray, isNotNull, max, not, or, type SQL, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { CATALOG, type CatalogTable, catalogEntry } from '../../db/catalog';
import { appointments, appointmentTypes, auditEvents, clients, outboxMessages, practices, rightsRequestEvents, rightsRequests, sessionNotes } from '../../db/schema';
import { decideErasure, DOCUMENTED_STATUSES, type ErasureDecision, roomPurgeHorizon, type TableErasure, tableErasure } from '../domain/erasure-rules';
import { newId } from '../lib/crypto';
import { AppError } from '../lib/errors';
import type { DpoActor, TherapistActor } from '../lib/actor';
import { auditInsert } from './audit';
import { clientOfPractice } from './clients';
import type { Deps } from './deps';

export type ErasureReportRow = { table: string; action: 'deleted' | 'anonymised' | 'restricted' | 'kept-legal-duty'; rows: number; reason?: string };
export type ErasureReport = {
  clientId: string;
  practiceId: string;
  erasedAt: number;
  outcome: 'erased' | 'restricted';
  rows: ErasureReportRow[];
  legalBasis?: string;
};

/** The rights request being answered, when the DPO erases; the therapist's delete answers none. */
export type ErasureInput = { practiceId: string; clientId: string; requestId?: string };

/** What a NOT NULL text column holds once anonymised. */
export const ERASED = 'erased';

/** How rows of a table are found: by the client (subject), through a parent's foreign key (child), or specially. */
type Planned = CatalogTable & { link: Link; erasure: TableErasure; placeholders: Record<string, string | null> };
type Link = { kind: 'subject' } | { kind: 'child'; column: SQLiteColumn; parent: Planned; parentColumn: SQLiteColumn } | { kind: 'special' };
type Subject = { practiceId: string; clientId: string; requestId: string | undefined; decision: ErasureDecision };

/** Anonymised values: NULL where the column allows it, a fixed word in a NOT NULL text column. Checked at import. */
function placeholdersOf(table: CatalogTable, erasure: TableErasure): Record<string, string | null> {
  if (!erasure.keep) return {};
  return Object.fromEntries(
    erasure.anonymise.map((key) => {
      const column = table.columns[key];
      if (column?.notNull && column.dataType !== 'string') throw new Error(`No placeholder for ${table.name}.${key}`);
      return [key, column?.notNull ? ERASED : null];
    }),
  );
}

function plan(table: CatalogTable, link: Link, linkKey: string): Planned {
  const erasure = tableErasure(table.meanings, linkKey);
  return { ...table, link, erasure, placeholders: placeholdersOf(table, erasure) };
}

/** The client row and every table with a client_id: the subject's own rows. */
const SUBJECT: Planned[] = CATALOG.filter((t) => t.table === clients || 'clientId' in t.columns).map((t) => plan(t, { kind: 'subject' }, t.table === clients ? 'id' : 'clientId'));

/** Tables reaching a subject table through another foreign key: slot claims, call metrics, request trail, links. */
const CHILDREN: Planned[] = CATALOG.filter((t) => !SUBJECT.some((s) => s.table === t.table)).flatMap((t) =>
  t.foreignKeys.flatMap(({ column, columnKey, parent: parentTable, parentColumn }) => {
    const parent = SUBJECT.find((s) => s.table === parentTable);
    return parent ? [plan(t, { kind: 'child', column, parent, parentColumn }, columnKey)] : [];
  }),
);

/** Subject and child tables in the catalog's children-first order: every row is found before its parent changes. */
const WALK: Planned[] = CATALOG.flatMap((t) => [...CHILDREN, ...SUBJECT].filter((planned) => planned.table === t.table));

const special = (table: CatalogTable['table'], linkKey: string) => plan(catalogEntry(table), { kind: 'special' }, linkKey);
/** Audit entries name their target by id without a foreign key; the local outbox names people by address. */
const AUDIT = special(auditEvents, 'targetId');
const OUTBOX = special(outboxMessages, 'recipient');

type Part = 'all' | 'erase' | 'keep';

/** The subject's rows of a subject table; the request being answered counts even before it was linked to the client. */
function subjectRows(t: Planned, s: Subject): SQL {
  const { id, clientId, practiceId } = t.columns;
  const link = t.name === 'clients' ? id : clientId;
  if (!link) throw new Error(`Table ${t.name} has no link to the client`);
  const byClient = practiceId ? and(eq(link, s.clientId), eq(practiceId, s.practiceId)) : eq(link, s.clientId);
  if (t.table !== rightsRequests || !s.requestId) return byClient ?? sql`0`;
  return or(byClient, and(eq(rightsRequests.id, s.requestId), eq(rightsRequests.practiceId, s.practiceId))) ?? sql`0`;
}

/**
 * The treatment record kept while the legal duty lasts: the client row, every note, every completed appointment and
 * any appointment a note documents. The batch selects these rows itself (DOCUMENTED_STATUSES in SQL), so the rows
 * kept are the rows present when it commits, and a long record needs no list of ids.
 */
function treatmentRecord(deps: Deps, t: Planned, s: Subject): SQL | undefined {
  if (s.decision.outcome !== 'restricted') return undefined;
  if (t.table === clients || t.table === sessionNotes) return sql`1`;
  if (t.table !== appointments) return undefined;
  const documented = deps.db
    .select({ id: sessionNotes.appointmentId })
    .from(sessionNotes)
    .where(and(eq(sessionNotes.clientId, s.clientId), isNotNull(sessionNotes.appointmentId)));
  return or(inArray(appointments.status, [...DOCUMENTED_STATUSES]), inArray(appointments.id, documented));
}

/** Which rows of a planned table: all of the subject's, those to erase, or those kept as treatment record. */
function rowsOf(deps: Deps, t: Planned, s: Subject, part: Part): SQL {
  if (t.link.kind === 'child') {
    const { column, parent, parentColumn } = t.link;
    return inArray(column, deps.db.select({ key: parentColumn }).from(parent.table).where(rowsOf(deps, parent, s, part)));
  }
  const all = subjectRows(t, s);
  const kept = treatmentRecord(deps, t, s);
  if (part === 'all') return all;
  if (!kept) return part === 'erase' ? all : sql`0`;
  return (part === 'erase' ? and(all, not(kept)) : and(all, kept)) ?? sql`0`;
}

type Step = { query: BatchItem<'sqlite'>; row?: Omit<ErasureReportRow, 'rows'> };
const COUNTED = { counted: sql<number>`1` };

/** Anonymise (legal duty with something to blank), keep as is (legal duty), or delete, as the annotations say. */
function byAnnotation(deps: Deps, t: Planned, where: SQL): Step {
  if (!t.erasure.keep) return { query: deps.db.delete(t.table).where(where).returning(COUNTED), row: { table: t.name, action: 'deleted' } };
  const { reason } = t.erasure;
  if (t.erasure.anonymise.length === 0) {
    return { query: deps.db.select(COUNTED).from(t.table).where(where), row: { table: t.name, action: 'kept-legal-duty', reason } };
  }
  return { query: deps.db.update(t.table).set(t.placeholders).where(where).returning(COUNTED), row: { table: t.name, action: 'anonymised', reason } };
}

function restrictionReason(decision: ErasureDecision): string | undefined {
  if (decision.outcome !== 'restricted') return undefined;
  return `${decision.legalBasis}; treatment record kept and restricted until ${new Date(decision.retainUntil).toISOString().slice(0, 10)} (Art. 17(3)(b), 18 GDPR)`;
}

function tableSteps(deps: Deps, t: Planned, s: Subject, now: number): Step[] {
  const reason = restrictionReason(s.decision);
  const restricted = (query: BatchItem<'sqlite'>): Step => ({ query, row: { table: t.name, action: 'restricted', ...(reason ? { reason } : {}) } });
  if (t.erasure.keep) return [byAnnotation(deps, t, rowsOf(deps, t, s, 'all'))];
  if (t.table === clients && s.decision.outcome === 'restricted') {
    // The name and address stay with the record: the address is what refuses a new booking while restricted.
    return [restricted(deps.db.update(clients).set({ restrictedAt: sql`coalesce(${clients.restrictedAt}, ${now})` }).where(rowsOf(deps, t, s, 'all')).returning(COUNTED))];
  }
  const steps = [byAnnotation(deps, t, rowsOf(deps, t, s, 'erase'))];
  if (s.decision.outcome === 'restricted') steps.push(restricted(deps.db.select(COUNTED).from(t.table).where(rowsOf(deps, t, s, 'keep'))));
  return steps;
}

/** Audit entries about any of the subject's rows (client, appointments, notes, consents, requests, …). */
function auditRows(deps: Deps, s: Subject): SQL {
  const targets = [...SUBJECT, ...CHILDREN].flatMap((t) => (t.columns.id ? [inArray(auditEvents.targetId, deps.db.select({ id: t.columns.id }).from(t.table).where(rowsOf(deps, t, s, 'all')))] : []));
  return or(...targets) ?? sql`0`;
}

/** Local outbox messages to any address the subject gave: the client's and those of their requests. */
function outboxRows(deps: Deps, s: Subject): SQL {
  const addresses = SUBJECT.flatMap((t) => (t.columns.email ? [inArray(outboxMessages.recipient, deps.db.select({ email: t.columns.email }).from(t.table).where(rowsOf(deps, t, s, 'all')))] : []));
  return or(...addresses) ?? sql`0`;
}

/**
 * The statements of one erasure, in an order where nothing is read after it changed: outbox and audit first (they
 * find their rows through the subject's rows), then the catalog's children-first order, so the client row goes last.
 */
function erasureSteps(deps: Deps, s: Subject, now: number): Step[] {
  return [byAnnotation(deps, OUTBOX, outboxRows(deps, s)), byAnnotation(deps, AUDIT, auditRows(deps, s)), ...WALK.flatMap((t) => tableSteps(deps, t, s, now))];
}

async function treatmentRecordOf(deps: Deps, s: Pick<Subject, 'practiceId' | 'clientId'>) {
  const [completed] = await deps.db
    .select({ at: max(appointments.endAt) })
    .from(appointments)
    .where(and(eq(appointments.clientId, s.clientId), eq(appointments.practiceId, s.practiceId), inArray(appointments.status, [...DOCUMENTED_STATUSES])));
  const [note] = await deps.db
    .select({ at: max(sessionNotes.createdAt) })
    .from(sessionNotes)
    .where(and(eq(sessionNotes.clientId, s.clientId), eq(sessionNotes.practiceId, s.practiceId)));
  return { lastCompletedAppointmentEnd: completed?.at ?? null, lastNoteAt: note?.at ?? null };
}

/** The request being answered must be of this practice, and of this client once it was linked to one. */
async function checkRequest(deps: Deps, s: Pick<Subject, 'practiceId' | 'clientId'>, requestId: string) {
  const request = await deps.db.query.rightsRequests.findFirst({ where: and(eq(rightsRequests.id, requestId), eq(rightsRequests.practiceId, s.practiceId)) });
  if (!request || (request.clientId !== null && request.clientId !== s.clientId)) throw new AppError('NOT_FOUND', 'clients.noSuchRequest');
}

/** Rooms asked at once: enough to keep a practice's deletion short, few enough to stay far below subrequest limits. */
const PURGES_AT_ONCE = 10;

/**
 * Empties the call rooms of the video appointments `which` selects, before anything in the database changes, so a
 * failed purge leaves the deletion undone and safe to repeat. Rooms store no names, but erasure covers every copy.
 * Only rooms that may still hold anything are asked (roomPurgeHorizon), so years of past sessions cost nothing.
 */
export async function purgeCallRooms(deps: Deps, which: SQL | undefined, now: number): Promise<number> {
  const open = await deps.db
    .select({ id: appointments.id })
    .from(appointments)
    .innerJoin(appointmentTypes, eq(appointmentTypes.id, appointments.typeId))
    .where(and(which, eq(appointmentTypes.mode, 'video'), gt(appointments.endAt, roomPurgeHorizon(now))));
  for (let from = 0; from < open.length; from += PURGES_AT_ONCE) {
    await Promise.all(open.slice(from, from + PURGES_AT_ONCE).map(({ id }) => deps.callRooms.purge(id)));
  }
  return open.length;
}

function countOf(result: unknown): number {
  return Array.isArray(result) ? result.length : 0;
}

/**
 * Art. 17 GDPR erasure of one client of one practice, in one batch. Which tables are touched and how follows from
 * the schema: every table with a client_id and the tables hanging off them are walked, and each column's privacy
 * annotation says whether rows go, lose their link to the person, or stay for a legal duty. While the practice must
 * keep the treatment record (BGB § 630f, Journalføringsbekendtgørelsen § 15), the record stays and processing is
 * restricted instead (Art. 17(3)(b), 18(1)); everything without such a duty goes either way.
 *
 * The report is meant for the requester's answer, so read the request's email before calling: it is anonymised here.
 */
export async function eraseSubject(deps: Deps, actor: TherapistActor | DpoActor, input: ErasureInput): Promise<ErasureReport> {
  const { practiceId, clientId, requestId } = input;
  await clientOfPractice(deps, practiceId, clientId);
  const practice = await deps.db.query.practices.findFirst({ where: eq(practices.id, practiceId), columns: { timeZone: true } });
  if (!practice) throw new AppError('NOT_FOUND', 'clients.notFound');
  if (requestId) await checkRequest(deps, input, requestId);
  const now = deps.now();
  const decision = decideErasure(await treatmentRecordOf(deps, input), practice, now);
  const subject: Subject = { practiceId, clientId, requestId, decision };
  const purged = await purgeCallRooms(deps, and(eq(appointments.clientId, clientId), eq(appointments.practiceId, practiceId)), now);

  const steps = erasureSteps(deps, subject, now);
  const restricted = decision.outcome === 'restricted';
  const [first, ...rest] = [
    ...steps.map((step) => step.query),
    // Accountability: the erasure happened; after a full erasure the entry does not say whose.
    auditInsert(deps.db, { action: restricted ? 'client.restricted' : 'client.deleted', actor, practiceId, targetId: restricted ? clientId : null }, now),
    ...(requestId
      ? [deps.db.insert(rightsRequestEvents).values({ id: newId(), requestId, at: now, actor: 'system', action: restricted ? 'erasure.restricted' : 'erasure.erased' })]
      : []),
  ];
  if (!first) throw new Error('Erasure has no statements');
  const results = await deps.db.batch([first, ...rest]);

  const rows: ErasureReportRow[] = steps.flatMap((step, index) => (step.row ? [{ ...step.row, rows: countOf(results[index]) }] : [])).filter((row) => row.rows > 0);
  if (purged > 0) rows.push({ table: 'call_rooms', action: 'deleted', rows: purged, reason: 'Durable Object storage of the video appointments’ call rooms' });
  return { clientId, practiceId, erasedAt: now, outcome: decision.outcome, rows, ...(decision.outcome === 'restricted' ? { legalBasis: decision.legalBasis } : {}) };
}

/**
 * The therapist's "delete client": the DPO's erasure itself, with the same decision about the treatment record, so
 * the client's rights requests lose the address and text the client wrote (their trail stays, as accountability),
 * the outbox and audit entries follow, and the call rooms are emptied at once rather than at their closing alarm.
 * While the practice must still keep the record (BGB § 630f, Journalføringsbekendtgørelsen § 15) the record stays,
 * restricted (Art. 17(3)(b), 18); the report says which happened.
 */
export async function deleteClient(deps: Deps, actor: TherapistActor, clientId: string): Promise<ErasureReport> {
  return eraseSubject(deps, actor, { practiceId: actor.practiceId, clientId });
}
