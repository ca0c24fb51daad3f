import { env } from 'cloudflare:workers';
import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { privacyOf } from '../../db/privacy';
import { appointments, auditEvents, clientBookingWindows, clients, consentRecords, rightsRequests, sessionNotes } from '../../db/schema';
import { exportedColumns, parseCsv, projectRow, unguardFormula } from '../../workers/domain/export-formats';
import { BULK_SIZE, insertBulkRows } from '../../workers/services/bulk-seed';
import { exportPractice } from '../../workers/services/export';
import { book, bookablePractice, Client, freeSlots, request, signUpTherapist, testDeps, unique } from './harness';

// ------------------------------------------------------------------------------------------- FHIR R4 shapes we emit

const reference = z.object({ reference: z.string().regex(/^(Patient|Organization|Appointment)\/[A-Za-z0-9\-.]{1,64}$/) });
const coding = z.object({ system: z.url(), code: z.string().min(1), display: z.string().min(1).optional() });
const codeableConcept = z.object({ coding: z.array(coding).min(1).optional(), text: z.string().min(1).optional() });
const extension = z.object({ url: z.string().min(1) }).catchall(z.unknown());
const instant = z.iso.datetime();
const fhirId = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/);
const base = { id: fhirId, extension: z.array(extension).min(1).optional() };

const organizationSchema = z
  .object({
    resourceType: z.literal('Organization'),
    ...base,
    active: z.boolean(),
    name: z.string().min(1),
    telecom: z.array(z.object({ system: z.literal('email'), value: z.email() })).min(1).optional(),
  })
  .strict();
const patientSchema = z
  .object({
    resourceType: z.literal('Patient'),
    ...base,
    active: z.boolean().optional(),
    name: z.array(z.object({ text: z.string().min(1) })).min(1),
    telecom: z.array(z.object({ system: z.literal('email'), value: z.email(), use: z.literal('home') })).min(1).optional(),
    managingOrganization: reference,
  })
  .strict();
const appointmentSchema = z
  .object({
    resourceType: z.literal('Appointment'),
    ...base,
    status: z.enum(['proposed', 'pending', 'booked', 'arrived', 'fulfilled', 'cancelled', 'noshow', 'entered-in-error', 'checked-in', 'waitlist']),
    serviceType: z.array(codeableConcept).min(1).optional(),
    start: instant,
    end: instant,
    created: instant,
    participant: z
      .array(z.object({ type: z.array(codeableConcept).min(1), actor: reference, required: z.literal('required'), status: z.enum(['accepted', 'declined', 'tentative', 'needs-action']) }).strict())
      .min(1),
  })
  .strict();
const consentSchema = z
  .object({
    resourceType: z.literal('Consent'),
    ...base,
    status: z.enum(['draft', 'proposed', 'active', 'rejected', 'inactive', 'entered-in-error']),
    scope: codeableConcept,
    category: z.array(codeableConcept).min(1),
    patient: reference,
    dateTime: instant,
    organization: z.array(reference).min(1),
    policyRule: codeableConcept,
    provision: z.object({ type: z.enum(['deny', 'permit']), purpose: z.array(coding).min(1) }).strict(),
  })
  .strict();
const documentReferenceSchema = z
  .object({
    resourceType: z.literal('DocumentReference'),
    ...base,
    extension: z.array(extension).min(1),
    status: z.literal('current'),
    type: codeableConcept,
    subject: reference,
    date: instant,
    custodian: reference,
    description: z.string().min(1),
    securityLabel: z.array(codeableConcept).min(1),
    content: z.array(z.object({ attachment: z.object({ contentType: z.literal('application/octet-stream'), data: z.base64(), title: z.string() }).strict() })).min(1),
    context: z.object({ related: z.array(reference).min(1) }).optional(),
  })
  .strict();
const resourceSchema = z.discriminatedUnion('resourceType', [organizationSchema, patientSchema, appointmentSchema, consentSchema, documentReferenceSchema]);
const bundleSchema = z
  .object({
    resourceType: z.literal('Bundle'),
    id: fhirId,
    meta: z.object({ lastUpdated: instant }),
    type: z.literal('collection'),
    timestamp: instant,
    entry: z.array(z.object({ fullUrl: z.url(), resource: resourceSchema }).strict()).min(1),
  })
  .strict();

/** FHIR JSON forbids empty strings, empty arrays, empty objects and nulls anywhere. */
function fhirEmptiness(value: unknown, path = '$'): string[] {
  if (value === null || value === '') return [path];
  if (Array.isArray(value)) return value.length === 0 ? [path] : value.flatMap((item, i) => fhirEmptiness(item, `${path}[${i}]`));
  if (typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length === 0 ? [path] : entries.flatMap(([key, item]) => fhirEmptiness(item, `${path}.${key}`));
  }
  return [];
}

// ------------------------------------------------------------------------------------------------------- seeding

const TRICKY_NAME = '=HYPERLINK("http://evil.example","Klick"), Jörg; "Ø"';

async function practiceWithClient() {
  const practice = await bookablePractice();
  const email = `${unique('export')}@example.com`;
  const slots = await freeSlots(practice.slug, practice.video.id);
  for (const slot of [slots[0], slots[3]]) {
    const response = await book(practice.slug, { typeId: practice.video.id, start: slot?.start ?? '', email, name: TRICKY_NAME, reminders: true });
    expect(response.status).toBe(201);
  }
  const client = await env.DB.prepare('SELECT id FROM clients WHERE practice_id = ? AND email = ?').bind(practice.practiceId, email).first<{ id: string }>();
  if (!client) throw new Error('client missing');
  const appointment = await env.DB.prepare('SELECT id FROM appointments WHERE client_id = ? ORDER BY start_at LIMIT 1').bind(client.id).first<{ id: string }>();
  const ciphertext = btoa('not really ciphertext, but bytes the server cannot read');
  await env.DB.prepare('INSERT INTO session_notes (id, practice_id, client_id, appointment_id, key_id, iv, ciphertext, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .bind(crypto.randomUUID(), practice.practiceId, client.id, appointment?.id ?? null, 'key-1', 'AAECAwQFBgcICQoL', ciphertext, Date.now())
    .run();
  return { ...practice, clientId: client.id, email, ciphertext };
}

/** What the database holds for the client, read through drizzle and cut to the annotated export columns. */
async function databaseRows(clientId: string) {
  const { db } = await testDeps();
  const cut = (name: string, rows: Record<string, unknown>[]) => rows.map((row) => projectRow(row, exportedColumns(privacyOf(name) ?? {})));
  return {
    clients: cut('clients', await db.select().from(clients).where(eq(clients.id, clientId))),
    appointments: cut('appointments', await db.select().from(appointments).where(eq(appointments.clientId, clientId)).orderBy(asc(appointments.startAt), asc(appointments.id))),
    consent_records: cut('consent_records', await db.select().from(consentRecords).where(eq(consentRecords.clientId, clientId)).orderBy(asc(consentRecords.seq))),
    session_notes: cut('session_notes', await db.select().from(sessionNotes).where(eq(sessionNotes.clientId, clientId)).orderBy(asc(sessionNotes.id))),
    // Tables added later with a client reference join the export by themselves (derived from the annotations).
    rights_requests: cut('rights_requests', await db.select().from(rightsRequests).where(eq(rightsRequests.clientId, clientId))),
    client_booking_windows: cut('client_booking_windows', await db.select().from(clientBookingWindows).where(eq(clientBookingWindows.clientId, clientId))),
  };
}

const jsonExportSchema = z.object({
  format: z.literal('praxisraum-export'),
  scope: z.enum(['practice', 'client']),
  columns: z.record(z.string(), z.record(z.string(), z.object({ category: z.string(), purpose: z.string() }).passthrough())),
  tables: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))),
  counts: z.record(z.string(), z.number()),
});

describe('client export', () => {
  it('gives JSON that parses back to exactly the annotated columns of the client’s rows, without credentials', async () => {
    const practice = await practiceWithClient();
    const response = await practice.client.fetch(`/api/clients/${practice.clientId}/export?format=json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="praxisraum-.+\.json"$/);
    const text = await response.text();
    const document = jsonExportSchema.parse(JSON.parse(text));
    expect(document.scope).toBe('client');
    const expected = await databaseRows(practice.clientId);
    expect(Object.keys(document.tables).sort()).toEqual(Object.keys(expected).sort());
    for (const [table, rows] of Object.entries(expected)) {
      expect(document.tables[table], table).toEqual(rows);
      expect(document.counts[table]).toBe(rows.length);
      expect(Object.keys(document.columns[table] ?? {})).toEqual(exportedColumns(privacyOf(table) ?? {}));
    }
    expect(document.tables.appointments).toHaveLength(2);
    expect(document.tables.session_notes?.[0]?.ciphertext).toBe(practice.ciphertext);
    for (const secret of ['manageTokenHash', 'accessCodeHash', 'manage_token_hash', 'passwordHash', 'tokenHash']) expect(text).not.toContain(secret);
  });

  it('gives a rectangular CSV that parses back to the rows, with formula cells defused', async () => {
    const practice = await practiceWithClient();
    const response = await practice.client.fetch(`/api/clients/${practice.clientId}/export?format=csv`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    const text = await response.text();
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""Klick""), Jörg; ""Ø"""`);
    const [header = [], ...records] = parseCsv(text);
    expect(records.every((record) => record.length === header.length)).toBe(true);
    const expected = await databaseRows(practice.clientId);
    const cell = (value: unknown) => (value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));
    for (const [table, rows] of Object.entries(expected)) {
      const columns = header.flatMap((name, index) => (name.startsWith(`${table}.`) ? [[name.slice(table.length + 1), index] as const] : []));
      expect(columns.map(([column]) => column)).toEqual(exportedColumns(privacyOf(table) ?? {}));
      const parsed = records.filter((record) => record[0] === table).map((record) => Object.fromEntries(columns.map(([column, index]) => [column, unguardFormula(record[index] ?? '')])));
      expect(parsed, table).toEqual(rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, cell(value)]))));
    }
  });

  it('gives a FHIR R4 Bundle of Organization, Patient, Appointments, Consents and the note as an encrypted DocumentReference', async () => {
    const practice = await practiceWithClient();
    const response = await practice.client.fetch(`/api/clients/${practice.clientId}/export?format=fhir`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/fhir+json');
    const raw: unknown = await response.json();
    expect(fhirEmptiness(raw)).toEqual([]);
    const bundle = bundleSchema.parse(raw);
    const byType = (type: string) => bundle.entry.filter((entry) => entry.resource.resourceType === type).map((entry) => entry.resource);
    expect(byType('Organization')).toHaveLength(1);
    const [patient] = byType('Patient');
    expect(patient).toMatchObject({ id: practice.clientId, name: [{ text: TRICKY_NAME }], telecom: [{ value: practice.email }] });
    const expected = await databaseRows(practice.clientId);
    expect(byType('Appointment').map((a) => ('start' in a ? a.start : ''))).toEqual(expected.appointments.map((a) => new Date(Number(a.startAt)).toISOString()));
    expect(byType('Consent')).toHaveLength(expected.consent_records.length);
    const [note] = bundle.entry.flatMap(({ resource }) => (resource.resourceType === 'DocumentReference' ? [resource] : []));
    expect(note?.content[0]?.attachment.data).toBe(practice.ciphertext);
    const encryption = note?.extension?.find((e) => String(e.url).endsWith('/encrypted-content'));
    expect(encryption?.extension).toEqual(expect.arrayContaining([{ url: 'iv', valueString: 'AAECAwQFBgcICQoL' }, { url: 'keyId', valueString: 'key-1' }, { url: 'algorithm', valueString: 'AES-GCM' }]));
    // References resolve inside the Bundle, and every fullUrl is unique.
    const fullUrls = new Set(bundle.entry.map((entry) => entry.fullUrl));
    expect(fullUrls.size).toBe(bundle.entry.length);
    for (const entry of bundle.entry) {
      for (const [, ref] of JSON.stringify(entry.resource).matchAll(/"reference":"([^"]+)"/g)) {
        expect([...fullUrls].some((url) => url.endsWith(`/${ref}`)), ref).toBe(true);
      }
    }
  });

  it('answers 404 for a client of another practice, exactly as for an unknown id, and audits real exports', async () => {
    const owner = await practiceWithClient();
    const stranger = await signUpTherapist();
    const foreign = await stranger.client.fetch(`/api/clients/${owner.clientId}/export?format=json`);
    const unknown = await stranger.client.fetch(`/api/clients/${crypto.randomUUID()}/export?format=json`);
    expect(foreign.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(await foreign.json()).toEqual(await unknown.json());
    expect((await new Client().fetch(`/api/clients/${owner.clientId}/export`)).status).toBe(401);
    expect((await owner.client.fetch(`/api/clients/${owner.clientId}/export?format=xml`)).status).toBe(422);
    await (await owner.client.fetch(`/api/clients/${owner.clientId}/export?format=csv`)).text();
    const { db } = await testDeps();
    const audited = await db.select().from(auditEvents).where(eq(auditEvents.targetId, owner.clientId));
    expect(audited.map((e) => e.action)).toContain('export.client');
  });
});

// ---------------------------------------------------------------------------------------------- large practice

/** 10,000 clients and 100,000 appointments, inserted set-wise: the rows `npm run bench` exports, too. */
const { clients: CLIENTS, appointments: APPOINTMENTS } = BULK_SIZE;

describe('whole-practice export', () => {
  it('streams 10,000 clients and 100,000 appointments in bounded chunks with the right counts', { timeout: 120_000 }, async () => {
    const practice = await bookablePractice();
    await insertBulkRows((await testDeps()).db, { practiceId: practice.practiceId, typeId: practice.video.id, ...BULK_SIZE });
    const response = await practice.client.fetch('/api/export?format=json');
    expect(response.status).toBe(200);
    const reader = response.body?.getReader();
    if (!reader) throw new Error('no body');
    const decoder = new TextDecoder();
    const records: Record<string, number> = {};
    let table = '';
    let pending = '';
    let chunks = 0;
    let tail = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks += 1;
      const lines = (pending + decoder.decode(value, { stream: true })).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const open = /^"(\w+)":\[$/.exec(line);
        if (open?.[1]) table = open[1];
        else if (line.startsWith('{') || line.startsWith(',{')) records[table] = (records[table] ?? 0) + 1;
        else if (line.startsWith('"counts":')) tail = line;
      }
    }
    expect(records.clients).toBe(CLIENTS);
    expect(records.appointments).toBe(APPOINTMENTS);
    expect(JSON.parse(`{${tail}`)).toMatchObject({ counts: { clients: CLIENTS, appointments: APPOINTMENTS, practices: 1, users: 1 } });
    expect(chunks).toBeGreaterThan(100);

    // The service hands out one page at a time: its chunks stay small while the whole Bundle is tens of megabytes.
    const deps = await testDeps();
    const user = await env.DB.prepare('SELECT id FROM users WHERE practice_id = ?').bind(practice.practiceId).first<{ id: string }>();
    const fhir = (await exportPractice(deps, { kind: 'therapist', userId: user?.id ?? '', practiceId: practice.practiceId }, 'fhir')).body.getReader();
    const entries: Record<string, number> = {};
    let total = 0;
    let largest = 0;
    for (;;) {
      const { done, value } = await fhir.read();
      if (done) break;
      total += value.byteLength;
      largest = Math.max(largest, value.byteLength);
      for (const [, type] of decoder.decode(value).matchAll(/"resource":\{"resourceType":"(\w+)"/g)) entries[type ?? ''] = (entries[type ?? ''] ?? 0) + 1;
    }
    expect(entries).toMatchObject({ Organization: 1, Patient: CLIENTS, Appointment: APPOINTMENTS });
    expect(total).toBeGreaterThan(20 * 1024 * 1024);
    expect(largest).toBeLessThan(total / 50);
  });

  it('streams the practice as a FHIR Bundle and leaves other practices out', async () => {
    const practice = await practiceWithClient();
    const other = await practiceWithClient();
    const response = await practice.client.fetch('/api/export?format=fhir');
    expect(response.status).toBe(200);
    const bundle = bundleSchema.parse(await response.json());
    const patients = bundle.entry.filter((entry) => entry.resource.resourceType === 'Patient');
    expect(patients.map((entry) => entry.resource.id)).toEqual([practice.clientId]);
    expect(JSON.stringify(bundle)).not.toContain(other.clientId);
    expect(JSON.stringify(bundle)).not.toContain(other.practiceId);
  });

  it('refuses anonymous callers and unknown formats', async () => {
    const practice = await signUpTherapist();
    expect((await new Client().fetch('/api/export?format=json')).status).toBe(401);
    expect((await practice.client.fetch('/api/export?format=csv')).status).toBe(422);
  });
});

describe('export page', () => {
  it('offers plain download links, shows the counts and loads the progress script with the CSP nonce', async () => {
    const practice = await practiceWithClient();
    const response = await practice.client.fetch('/dashboard/export');
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('href="/api/export?format=json"');
    expect(html).toContain('href="/api/export?format=fhir"');
    expect(html).toContain(`/api/clients/${practice.clientId}/export?format=csv`);
    expect(html).toMatch(/data-testid="count-appointments">2</);
    const nonce = /'nonce-([^']+)'/.exec(response.headers.get('content-security-policy') ?? '')?.[1];
    expect(nonce).toBeTruthy();
    expect(html).toContain(`<script type="module" nonce="${nonce}" src="/static/export.js">`);
    const script = await request('/static/export.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect(await script.text()).toContain('getReader');
  });

  it('documents both export endpoints in the OpenAPI document', async () => {
    const doc = await (await request('/api/openapi.json')).json<{ paths: Record<string, unknown> }>();
    expect(doc.paths['/api/export']).toBeDefined();
    expect(doc.paths['/api/clients/{id}/export']).toBeDefined();
  });
});
