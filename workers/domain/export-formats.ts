/**
 * Pure serialisers of the data export: the copy a data subject may ask for (Art. 15(3) GDPR) and the portable copy in
 * a structured, commonly used, machine-readable format (Art. 20). What a row carries is decided by the schema's
 * privacy annotations alone (`exportedColumns`), so a new column is exported without touching this file; credentials
 * are annotated `exported: false` and never appear.
 *
 * Every record is written on a line of its own (JSON.stringify never emits a raw line break), so a reader can count
 * records while the download is still streaming.
 */
export type ColumnMeaning = { category: string; purpose: string; retention: string; erasure: string; exported?: boolean | undefined };
export type ExportRow = Record<string, unknown>;
export type ExportTableSpec = { name: string; columns: readonly string[]; meanings: Readonly<Record<string, ColumnMeaning>> };

/** The column keys an export carries: every annotated column except those marked `exported: false`. */
export function exportedColumns(meanings: Readonly<Record<string, ColumnMeaning>>): string[] {
  return Object.entries(meanings)
    .filter(([, meaning]) => meaning.exported !== false)
    .map(([key]) => key);
}

/** Exactly the given columns of a row, missing values as null, in the given order. */
export function projectRow(row: ExportRow, columns: readonly string[]): ExportRow {
  const projected: ExportRow = {};
  for (const key of columns) projected[key] = row[key] ?? null;
  return projected;
}

const iso = (at: number) => new Date(at).toISOString();

// ---------------------------------------------------------------------------------------------------------- JSON

export type ExportMeta = { scope: 'practice' | 'client'; exportedAt: number; practiceId: string; practiceName: string; clientId?: string | undefined };

/**
 * Opens the document: what it is, what every column means (the annotations, so the file explains itself), then the
 * `tables` object that `jsonTableOpen`/`jsonRecord`/`JSON_TABLE_CLOSE` fill and `jsonTail` closes.
 */
export function jsonHead(meta: ExportMeta, tables: readonly ExportTableSpec[]): string {
  const head = {
    format: 'praxisraum-export',
    version: 1,
    scope: meta.scope,
    exportedAt: iso(meta.exportedAt),
    controller: { practiceId: meta.practiceId, name: meta.practiceName },
    ...(meta.clientId ? { clientId: meta.clientId } : {}),
    conventions: {
      times: 'Points in time (createdAt, startAt, at, lockedUntil and the like) are integers: milliseconds since 1970-01-01T00:00:00Z',
      sessionNotes: 'ciphertext is AES-GCM encrypted in the therapist’s browser; the service cannot read it. Decrypt with the practice key (keyId) and iv',
    },
    columns: Object.fromEntries(tables.map((table) => [table.name, Object.fromEntries(table.columns.map((key) => [key, table.meanings[key]]))])),
  };
  return `${JSON.stringify(head).slice(0, -1)},"tables":{`;
}

export function jsonTableOpen(name: string, position: number): string {
  return `${position > 0 ? ',' : ''}\n${JSON.stringify(name)}:[`;
}

export function jsonRecord(row: ExportRow, position: number): string {
  return `${position > 0 ? ',' : ''}\n${JSON.stringify(row)}`;
}

export const JSON_TABLE_CLOSE = '\n]';

/** Closes the document with the number of records per table, so a reader can check that nothing was cut off. */
export function jsonTail(counts: Readonly<Record<string, number>>): string {
  return `},\n"counts":${JSON.stringify(counts)}}\n`;
}

// ----------------------------------------------------------------------------------------------------------- CSV

// OWASP CSV injection: spreadsheet apps run a cell starting with one of these as a formula.
const FORMULA_TRIGGER = /^'*[=+\-@\t\r]/;
const GUARDED = /^'+[=+\-@\t\r]/;

/**
 * Prefixes a formula-looking text with an apostrophe, so spreadsheets show it as text. Texts that already start with
 * apostrophes before a trigger get one more, which keeps the guard reversible (`unguardFormula`).
 */
export function guardFormula(text: string): string {
  return FORMULA_TRIGGER.test(text) ? `'${text}` : text;
}

export function unguardFormula(text: string): string {
  return GUARDED.test(text) ? text.slice(1) : text;
}

/** One field (RFC 4180): empty for null, JSON for structured values, quoted when it holds a quote, comma or line break. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text =
    typeof value === 'string' ? guardFormula(value) : typeof value === 'number' || typeof value === 'boolean' ? String(value) : guardFormula(JSON.stringify(value));
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(cells: readonly string[]): string {
  return `${cells.join(',')}\r\n`;
}

/**
 * Several tables in one rectangular file: the first column names the record's table, then one column per
 * `table.column`, empty where a column belongs to another table. Every line has the same number of fields, so any
 * spreadsheet or CSV reader opens it, and filtering on the first column gives one table.
 */
export type CsvLayout = { header: string[]; positions: ReadonlyMap<string, readonly { column: string; index: number }[]> };

export function csvLayout(tables: readonly ExportTableSpec[]): CsvLayout {
  const header = ['table'];
  const positions = new Map<string, { column: string; index: number }[]>();
  for (const table of tables) {
    positions.set(
      table.name,
      table.columns.map((column) => {
        header.push(`${table.name}.${column}`);
        return { column, index: header.length - 1 };
      }),
    );
  }
  return { header, positions };
}

/** The header line, preceded by a byte-order mark so spreadsheet apps read umlauts and æøå as UTF-8. */
export function csvHead(layout: CsvLayout): string {
  return `\uFEFF${csvLine(layout.header.map(csvCell))}`;
}

export function csvRecord(layout: CsvLayout, table: string, row: ExportRow): string {
  const cells = layout.header.map(() => '');
  cells[0] = csvCell(table);
  for (const { column, index } of layout.positions.get(table) ?? []) cells[index] = csvCell(row[column]);
  return csvLine(cells);
}

/** Reads RFC 4180 text back into rows of fields (the inverse of the writer above, byte-order mark included). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  for (let i = 0; i < input.length; i += 1) {
    const char = input[i];
    if (quoted) {
      if (char === '"' && input[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || (char === '\r' && input[i + 1] === '\n')) {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      if (char === '\r') i += 1;
    } else field += char;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

// ---------------------------------------------------------------------------------------------------------- FHIR

/** FHIR R4 (4.0.1). `base` is the service's FHIR base URL; fullUrls and extension URLs hang off it. */
export type FhirContext = { base: string };
export type FhirResource = { resourceType: string; id: string } & Record<string, unknown>;

// FHIR forbids empty strings and empty arrays; helpers answer undefined instead, which JSON.stringify leaves out.
function textOf(row: ExportRow, key: string): string | undefined {
  const value = row[key];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function instantOf(row: ExportRow, key: string): string | undefined {
  const value = row[key];
  return typeof value === 'number' ? iso(value) : undefined;
}

function idOf(row: ExportRow): string {
  const id = textOf(row, 'id');
  if (!id) throw new Error('An exported row has no id');
  return id;
}

function reference(type: string, id: unknown): { reference: string } | undefined {
  return typeof id === 'string' && id !== '' ? { reference: `${type}/${id}` } : undefined;
}

function extensionValue(value: unknown): Record<string, unknown> {
  if (typeof value === 'boolean') return { valueBoolean: value };
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) <= 2_147_483_647 ? { valueInteger: value } : { valueDecimal: value };
  return { valueString: typeof value === 'string' ? value : JSON.stringify(value) };
}

/**
 * Every exported column that has no FHIR element of its own travels as an extension named after it, so the Bundle
 * loses nothing the annotations export, and a new column reaches FHIR without code.
 */
function columnExtensions(context: FhirContext, table: string, row: ExportRow, mapped: readonly string[]) {
  const extensions = Object.entries(row)
    .filter(([key, value]) => !mapped.includes(key) && value !== null && value !== undefined && value !== '')
    .map(([key, value]) => ({ url: `${context.base}/StructureDefinition/${table}.${key}`, ...extensionValue(value) }));
  return extensions.length > 0 ? extensions : undefined;
}

export function organizationResource(practice: ExportRow, context: FhirContext): FhirResource {
  const email = textOf(practice, 'contactEmail');
  return {
    resourceType: 'Organization',
    id: idOf(practice),
    extension: columnExtensions(context, 'practices', practice, ['id', 'name', 'contactEmail']),
    active: true,
    name: textOf(practice, 'name'),
    telecom: email ? [{ system: 'email', value: email }] : undefined,
  };
}

export function patientResource(client: ExportRow, context: FhirContext): FhirResource {
  const name = textOf(client, 'displayName');
  const email = textOf(client, 'email');
  return {
    resourceType: 'Patient',
    id: idOf(client),
    extension: columnExtensions(context, 'clients', client, ['id', 'practiceId', 'displayName', 'email', 'active']),
    active: typeof client.active === 'boolean' ? client.active : undefined,
    name: name ? [{ text: name }] : undefined,
    telecom: email ? [{ system: 'email', value: email, use: 'home' }] : undefined,
    managingOrganization: reference('Organization', client.practiceId),
  };
}

const APPOINTMENT_STATUS: Record<string, string> = { booked: 'booked', cancelled: 'cancelled', completed: 'fulfilled', no_show: 'noshow' };

export function appointmentResource(appointment: ExportRow, context: FhirContext, typeName?: string): FhirResource {
  return {
    resourceType: 'Appointment',
    id: idOf(appointment),
    extension: columnExtensions(context, 'appointments', appointment, ['id', 'clientId', 'status', 'startAt', 'endAt', 'createdAt']),
    status: APPOINTMENT_STATUS[String(appointment.status)] ?? 'entered-in-error',
    serviceType: typeName ? [{ text: typeName }] : undefined,
    start: instantOf(appointment, 'startAt'),
    end: instantOf(appointment, 'endAt'),
    created: instantOf(appointment, 'createdAt'),
    participant: [
      {
        type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'SBJ', display: 'subject' }] }],
        actor: reference('Patient', appointment.clientId),
        required: 'required',
        status: 'accepted',
      },
    ],
  };
}

/** A consent record is an act: "given" permits the purposes, "withdrawn" denies them from its date on. */
export function consentResource(record: ExportRow, context: FhirContext): FhirResource {
  const withdrawn = record.kind === 'withdrawn';
  const purposes = Array.isArray(record.purposes) ? record.purposes.filter((p): p is string => typeof p === 'string') : [];
  const organization = reference('Organization', record.practiceId);
  return {
    resourceType: 'Consent',
    id: idOf(record),
    extension: columnExtensions(context, 'consent_records', record, ['id', 'practiceId', 'clientId', 'kind', 'purposes', 'at']),
    status: 'active',
    scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy', display: 'Privacy Consent' }] },
    category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Patient Consent' }] }],
    patient: reference('Patient', record.clientId),
    dateTime: instantOf(record, 'at'),
    organization: organization ? [organization] : undefined,
    policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: withdrawn ? 'OPTOUT' : 'OPTIN' }] },
    provision: {
      type: withdrawn ? 'deny' : 'permit',
      purpose: purposes.length > 0 ? purposes.map((code) => ({ system: `${context.base}/CodeSystem/consent-purpose`, code })) : undefined,
    },
  };
}

export const ENCRYPTED_NOTE_CONTENT_TYPE = 'application/octet-stream';

function base64OfText(value: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(value)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** FHIR attachments carry base64; the stored ciphertext is base64 (or base64url) already and is passed on unchanged. */
function attachmentData(ciphertext: string): { data: string; encoding?: string } {
  if (/^[A-Za-z0-9+/]*={0,2}$/.test(ciphertext) && ciphertext.length % 4 === 0) return { data: ciphertext };
  if (/^[A-Za-z0-9_-]+$/.test(ciphertext)) {
    const standard = ciphertext.replaceAll('-', '+').replaceAll('_', '/');
    return { data: standard.padEnd(Math.ceil(standard.length / 4) * 4, '=') };
  }
  return { data: base64OfText(ciphertext), encoding: 'utf-8 text of the stored ciphertext' };
}

/**
 * Session notes are ciphertext the service cannot read (zero knowledge). They are exported as they are, marked
 * encrypted three times over: an octet-stream attachment, a "restricted" security label, and an extension naming the
 * algorithm, the practice key (keyId) and the nonce (iv) needed to decrypt them.
 */
export function noteDocumentReference(note: ExportRow, context: FhirContext): FhirResource {
  const { data, encoding } = attachmentData(textOf(note, 'ciphertext') ?? '');
  const related = reference('Appointment', note.appointmentId);
  const encryption = [
    { url: 'algorithm', valueString: 'AES-GCM' },
    { url: 'keyId', valueString: textOf(note, 'keyId') ?? 'unknown' },
    { url: 'iv', valueString: textOf(note, 'iv') ?? 'unknown' },
    ...(encoding ? [{ url: 'dataEncoding', valueString: encoding }] : []),
  ];
  const mapped = ['id', 'practiceId', 'clientId', 'appointmentId', 'keyId', 'iv', 'ciphertext', 'createdAt'];
  return {
    resourceType: 'DocumentReference',
    id: idOf(note),
    extension: [{ url: `${context.base}/StructureDefinition/encrypted-content`, extension: encryption }, ...(columnExtensions(context, 'session_notes', note, mapped) ?? [])],
    status: 'current',
    type: { text: 'Session note (encrypted)' },
    subject: reference('Patient', note.clientId),
    date: instantOf(note, 'createdAt'),
    custodian: reference('Organization', note.practiceId),
    description: 'Encrypted session note (AES-GCM). The service cannot read it; decrypt it with the practice key named in keyId and the iv.',
    securityLabel: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R', display: 'restricted' }] }],
    content: [{ attachment: { contentType: ENCRYPTED_NOTE_CONTENT_TYPE, data, title: 'session-note.aes-gcm' } }],
    context: related ? { related: [related] } : undefined,
  };
}

/** A `collection` Bundle, streamed: the head, one `fhirEntry` per resource, the tail. */
export function fhirBundleHead(input: { id: string; timestamp: number }): string {
  const head = { resourceType: 'Bundle', id: input.id, meta: { lastUpdated: iso(input.timestamp) }, type: 'collection', timestamp: iso(input.timestamp) };
  return `${JSON.stringify(head).slice(0, -1)},"entry":[`;
}

export function fhirEntry(resource: FhirResource, context: FhirContext, position: number): string {
  return `${position > 0 ? ',' : ''}\n${JSON.stringify({ fullUrl: `${context.base}/${resource.resourceType}/${resource.id}`, resource })}`;
}

export const FHIR_BUNDLE_TAIL = '\n]}\n';
