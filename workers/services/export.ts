import { and, asc, count, eq, gt, type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { CATALOG, type CatalogTable } from '../../db/catalog';
import { appointments, appointmentTypes, clients, consentRecords, sessionNotes } from '../../db/schema';
import {
  appointmentResource,
  consentResource,
  csvHead,
  csvLayout,
  csvRecord,
  type ExportMeta,
  type ExportRow,
  type ExportTableSpec,
  exportedColumns,
  FHIR_BUNDLE_TAIL,
  type FhirContext,
  type FhirResource,
  fhirBundleHead,
  fhirEntry,
  JSON_TABLE_CLOSE,
  jsonHead,
  jsonRecord,
  jsonTableOpen,
  jsonTail,
  noteDocumentReference,
  organizationResource,
  patientResource,
  projectRow,
} from '../domain/export-formats';
import { newId } from '../lib/crypto';
import type { ClientActor, TherapistActor } from '../lib/actor';
import { auditInsert } from './audit';
import { clientOfPractice } from './clients';
import { practiceById } from './practices';
import type { Deps } from './deps';

/**
 * The data export (Art. 15(3), Art. 20 GDPR), streamed. Which tables and columns it carries is read from the schema
 * and its privacy annotations: every table with a practice_id (for a practice) or client_id (for a client) is
 * included, every column except credentials. Rows are read in keyset-paginated pages of PAGE_ROWS, so memory stays
 * flat however large the practice is: one page is held at a time, and the next is read only when the reader pulled
 * the previous one (back-pressure through ReadableStream.pull).
 */
export const PAGE_ROWS = 1000;

/** The reservation index of appointments: derived from them, one row per five minutes booked. */
const NOT_EXPORTED = new Set(['appointment_slots']);
/** Keyset order of the large tables, following an index that starts with practice_id so no page sorts the practice. */
const KEYSET: Record<string, string[]> = { appointments: ['startAt', 'id'], audit_events: ['at', 'id'], consent_records: ['seq'] };
const FIRST = ['practices', 'users', 'clients', 'appointment_types', 'appointments', 'consent_records', 'session_notes'];

type Source = { name: string; table: SQLiteTable; columns: Record<string, SQLiteColumn>; spec: ExportTableSpec; keys: string[] };
type ScopedSource = { source: Source; where: SQL };

function rank(name: string): number {
  const index = FIRST.indexOf(name);
  return index === -1 ? FIRST.length : index;
}

function describe({ name, table, columns, meanings, primaryKey }: CatalogTable): Source {
  const keys = KEYSET[name] ?? primaryKey;
  if (keys.length === 0 || !keys.every((key) => key in columns)) throw new Error(`Table ${name} needs a keyset order for the export`);
  return { name, table, columns, keys, spec: { name, columns: exportedColumns(meanings), meanings } };
}

const SOURCES: Source[] = CATALOG.filter(({ name }) => !NOT_EXPORTED.has(name))
  .map(describe)
  .sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));

/** Everything of one practice: its own row and every table that names it. */
export function practiceSources(practiceId: string): ScopedSource[] {
  return SOURCES.flatMap((source) => {
    const column = source.name === 'practices' ? source.columns.id : source.columns.practiceId;
    return column ? [{ source, where: eq(column, practiceId) }] : [];
  });
}

/** Everything about one client: the client row and every table that names the client, within the practice. */
export function clientSources(practiceId: string, clientId: string): ScopedSource[] {
  return SOURCES.flatMap((source) => {
    const column = source.name === 'clients' ? source.columns.id : source.columns.clientId;
    if (!column) return [];
    const practice = source.columns.practiceId;
    return [{ source, where: practice ? and(eq(column, clientId), eq(practice, practiceId)) ?? eq(column, clientId) : eq(column, clientId) }];
  });
}

function after(columns: SQLiteColumn[], values: unknown[]): SQL {
  const [first] = columns;
  if (columns.length === 1 && first) return gt(first, values[0]);
  return sql`(${sql.join(columns, sql`, `)}) > (${sql.join(values.map((value) => sql`${value}`), sql`, `)})`;
}

/** Pages of exported columns (order keys included), each read only when the previous one was consumed. */
async function* pagesOf(deps: Deps, { source, where }: ScopedSource): AsyncGenerator<ExportRow[]> {
  const order = source.keys.flatMap((key) => source.columns[key] ?? []);
  const fields = Object.fromEntries([...new Set([...source.spec.columns, ...source.keys])].flatMap((key) => (source.columns[key] ? [[key, source.columns[key]]] : [])));
  let cursor: unknown[] | undefined;
  for (;;) {
    const rows: ExportRow[] = await deps.db
      .select(fields)
      .from(source.table)
      .where(cursor ? and(where, after(order, cursor)) : where)
      .orderBy(...order.map((column) => asc(column)))
      .limit(PAGE_ROWS);
    if (rows.length > 0) yield rows.map((row) => projectRow(row, source.spec.columns));
    const last = rows.at(-1);
    if (rows.length < PAGE_ROWS || !last) return;
    cursor = source.keys.map((key) => last[key]);
  }
}

async function* jsonDocument(deps: Deps, scoped: ScopedSource[], meta: ExportMeta): AsyncGenerator<string> {
  yield jsonHead(meta, scoped.map(({ source }) => source.spec));
  const counts: Record<string, number> = {};
  for (const [position, part] of scoped.entries()) {
    yield jsonTableOpen(part.source.name, position);
    let written = 0;
    for await (const page of pagesOf(deps, part)) {
      let chunk = '';
      for (const row of page) chunk += jsonRecord(row, written++);
      yield chunk;
    }
    yield JSON_TABLE_CLOSE;
    counts[part.source.name] = written;
  }
  yield jsonTail(counts);
}

async function* csvDocument(deps: Deps, scoped: ScopedSource[]): AsyncGenerator<string> {
  const layout = csvLayout(scoped.map(({ source }) => source.spec));
  yield csvHead(layout);
  for (const part of scoped) {
    for await (const page of pagesOf(deps, part)) yield page.map((row) => csvRecord(layout, part.source.name, row)).join('');
  }
}

type FhirBuilder = (row: ExportRow, context: FhirContext, typeNames: ReadonlyMap<string, string>) => FhirResource;
const FHIR_BUILDERS: Record<string, FhirBuilder> = {
  practices: (row, context) => organizationResource(row, context),
  clients: (row, context) => patientResource(row, context),
  appointments: (row, context, typeNames) => appointmentResource(row, context, typeNames.get(String(row.typeId))),
  consent_records: (row, context) => consentResource(row, context),
  session_notes: (row, context) => noteDocumentReference(row, context),
};

/** Organization, Patients, Appointments, Consents and the encrypted notes as DocumentReferences, in one Bundle. */
async function* fhirBundle(deps: Deps, scoped: ScopedSource[], practiceId: string): AsyncGenerator<string> {
  const context: FhirContext = { base: `${deps.config.APP_ORIGIN}/fhir` };
  const types = await deps.db.select({ id: appointmentTypes.id, name: appointmentTypes.name }).from(appointmentTypes).where(eq(appointmentTypes.practiceId, practiceId));
  const typeNames = new Map(types.map((type) => [type.id, type.name]));
  yield fhirBundleHead({ id: newId(), timestamp: deps.now() });
  let written = 0;
  for (const part of scoped) {
    const build = FHIR_BUILDERS[part.source.name];
    if (!build) continue;
    for await (const page of pagesOf(deps, part)) {
      let chunk = '';
      for (const row of page) chunk += fhirEntry(build(row, context, typeNames), context, written++);
      yield chunk;
    }
  }
  yield FHIR_BUNDLE_TAIL;
}

/** Turns text chunks into a byte stream that asks for the next chunk only when the reader wants more. */
export function textStream(chunks: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        // A pull must enqueue or close, or a waiting reader would wait forever: skip empty chunks.
        for (;;) {
          const { value, done } = await chunks.next();
          if (done) return controller.close();
          if (value) return controller.enqueue(encoder.encode(value));
        }
      } catch (error) {
        // The download ends unfinished (the JSON does not parse), never silently short; the log carries no data.
        console.error(`export stream failed: ${error instanceof Error ? error.name : 'unknown'}`);
        controller.error(error);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}

export type ExportFormat = 'json' | 'csv' | 'fhir';
export type ExportDownload = { body: ReadableStream<Uint8Array>; contentType: string; filename: string };

const CONTENT_TYPES: Record<ExportFormat, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
  fhir: 'application/fhir+json; fhirVersion=4.0; charset=utf-8',
};
const EXTENSIONS: Record<ExportFormat, string> = { json: 'json', csv: 'csv', fhir: 'fhir.json' };


function fileName(slug: string, at: number, format: ExportFormat, client?: string): string {
  return `praxisraum-${slug}${client ? `-client-${client.slice(0, 8)}` : ''}-${new Date(at).toISOString().slice(0, 10)}.${EXTENSIONS[format]}`;
}

/** The whole practice as JSON or a FHIR Bundle. The export itself is audited (Art. 5(2)) before the first byte. */
export async function exportPractice(deps: Deps, actor: TherapistActor, format: 'json' | 'fhir'): Promise<ExportDownload> {
  const { practiceId } = actor;
  const practice = await practiceById(deps, practiceId);
  const now = deps.now();
  await auditInsert(deps.db, { action: 'export.practice', actor, practiceId, targetId: practiceId }, now);
  const scoped = practiceSources(practiceId);
  const meta: ExportMeta = { scope: 'practice', exportedAt: now, practiceId, practiceName: practice.name };
  const chunks = format === 'json' ? jsonDocument(deps, scoped, meta) : fhirBundle(deps, scoped, practiceId);
  return { body: textStream(chunks), contentType: CONTENT_TYPES[format], filename: fileName(practice.slug, now, format) };
}

/** One client's data, for their access or portability request; 404 for a client of another practice. */
export async function exportClient(deps: Deps, actor: TherapistActor | ClientActor, clientId: string, format: ExportFormat): Promise<ExportDownload> {
  const { practiceId } = actor;
  await clientOfPractice(deps, practiceId, clientId);
  const practice = await practiceById(deps, practiceId);
  const now = deps.now();
  await auditInsert(deps.db, { action: 'export.client', actor, practiceId, targetId: clientId }, now);
  const scoped = clientSources(practiceId, clientId);
  const meta: ExportMeta = { scope: 'client', exportedAt: now, practiceId, practiceName: practice.name, clientId };
  const withPractice = [...practiceSources(practiceId).filter(({ source }) => source.name === 'practices'), ...scoped];
  const chunks =
    format === 'json' ? jsonDocument(deps, scoped, meta) : format === 'csv' ? csvDocument(deps, scoped) : fhirBundle(deps, withPractice, practiceId);
  return { body: textStream(chunks), contentType: CONTENT_TYPES[format], filename: fileName(practice.slug, now, format, clientId) };
}

export type ExportOverview = {
  counts: { clients: number; appointments: number; consentRecords: number; notes: number };
  clients: { id: string; displayName: string }[];
  page: number;
  hasMore: boolean;
};

export const OVERVIEW_PAGE_SIZE = 50;

/** What the export page shows: how much there is (for the progress display) and a page of clients to export one by one. */
export async function exportOverview(deps: Deps, practiceId: string, page: number): Promise<ExportOverview> {
  const total = async (table: typeof clients | typeof appointments | typeof consentRecords | typeof sessionNotes) => {
    const [row] = await deps.db.select({ n: count() }).from(table).where(eq(table.practiceId, practiceId));
    return row?.n ?? 0;
  };
  const [clientCount, appointmentCount, consentCount, noteCount, listed] = await Promise.all([
    total(clients),
    total(appointments),
    total(consentRecords),
    total(sessionNotes),
    deps.db
      .select({ id: clients.id, displayName: clients.displayName })
      .from(clients)
      .where(eq(clients.practiceId, practiceId))
      .orderBy(asc(clients.displayName), asc(clients.id))
      .limit(OVERVIEW_PAGE_SIZE + 1)
      .offset(page * OVERVIEW_PAGE_SIZE),
  ]);
  return {
    counts: { clients: clientCount, appointments: appointmentCount, consentRecords: consentCount, notes: noteCount },
    clients: listed.slice(0, OVERVIEW_PAGE_SIZE),
    page,
    hasMore: listed.length > OVERVIEW_PAGE_SIZE,
  };
}
