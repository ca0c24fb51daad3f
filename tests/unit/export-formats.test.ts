import { describe, expect, it } from 'vitest';
import {
  appointmentResource,
  consentResource,
  csvCell,
  csvHead,
  csvLayout,
  csvRecord,
  type ExportTableSpec,
  exportedColumns,
  FHIR_BUNDLE_TAIL,
  fhirBundleHead,
  fhirEntry,
  guardFormula,
  JSON_TABLE_CLOSE,
  jsonHead,
  jsonRecord,
  jsonTableOpen,
  jsonTail,
  noteDocumentReference,
  parseCsv,
  patientResource,
  projectRow,
  unguardFormula,
} from '../../workers/domain/export-formats';
import { calendarFeed, escapeText, foldLine } from '../../workers/domain/ics-feed';

const context = { base: 'https://praxis.example/fhir' };
const meaning = { category: 'name', purpose: 'x', retention: 'y', erasure: 'delete' };

describe('columns from the annotations', () => {
  it('exports every annotated column except those marked exported: false, in declaration order', () => {
    expect(exportedColumns({ id: meaning, tokenHash: { ...meaning, exported: false }, name: meaning, flag: { ...meaning, exported: true } })).toEqual(['id', 'name', 'flag']);
  });

  it('projects a row onto the columns, with null for missing values and nothing else', () => {
    expect(projectRow({ id: 'a', secret: 's', name: undefined }, ['id', 'name'])).toEqual({ id: 'a', name: null });
  });
});

describe('JSON document', () => {
  it('assembles into one parseable document with a record per line and the counts at the end', () => {
    const tables: ExportTableSpec[] = [
      { name: 'clients', columns: ['id', 'displayName'], meanings: { id: meaning, displayName: meaning } },
      { name: 'appointments', columns: ['id'], meanings: { id: meaning } },
    ];
    const text = [
      jsonHead({ scope: 'practice', exportedAt: Date.UTC(2026, 0, 2), practiceId: 'p', practiceName: 'Praxis "Nord"' }, tables),
      jsonTableOpen('clients', 0),
      jsonRecord({ id: 'c1', displayName: 'Line\nbreak' }, 0),
      jsonRecord({ id: 'c2', displayName: 'Åse' }, 1),
      JSON_TABLE_CLOSE,
      jsonTableOpen('appointments', 1),
      JSON_TABLE_CLOSE,
      jsonTail({ clients: 2, appointments: 0 }),
    ].join('');
    const document = JSON.parse(text);
    expect(document.tables).toEqual({ clients: [{ id: 'c1', displayName: 'Line\nbreak' }, { id: 'c2', displayName: 'Åse' }], appointments: [] });
    expect(document.columns.clients.displayName).toEqual(meaning);
    expect(document.exportedAt).toBe('2026-01-02T00:00:00.000Z');
    expect(document.counts).toEqual({ clients: 2, appointments: 0 });
    expect(text.split('\n').filter((line) => line.startsWith('{"id"'))).toHaveLength(2);
  });
});

describe('CSV', () => {
  it.each([
    ['plain', 'plain'],
    ['with, comma', '"with, comma"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\r\nlines', '"two\r\nlines"'],
    ['=1+1', "'=1+1"],
    ['+49 30 1234', "'+49 30 1234"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tTAB', "'\tTAB"],
    ["'=already", "''=already"],
    ["it's", "it's"],
  ])('writes %j as %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('writes numbers, booleans, null and structured values without a guard', () => {
    expect([csvCell(-5), csvCell(true), csvCell(null), csvCell(['booking', 'reminders'])]).toEqual(['-5', 'true', '', '"[""booking"",""reminders""]"']);
  });

  it.each(['=cmd|calc', "'=x", "''+y", "'plain", '', '-', "'"])('undoes its formula guard exactly for %j', (value) => {
    expect(unguardFormula(guardFormula(value))).toBe(value);
  });

  it('parses its own output back to the same fields, table by table', () => {
    const layout = csvLayout([
      { name: 'clients', columns: ['id', 'displayName'], meanings: {} },
      { name: 'appointments', columns: ['id', 'startAt'], meanings: {} },
    ]);
    const text = csvHead(layout) + csvRecord(layout, 'clients', { id: 'c1', displayName: '=evil, "quoted"\nname' }) + csvRecord(layout, 'appointments', { id: 'a1', startAt: 1767225600000 });
    expect(text.startsWith('\uFEFFtable,clients.id,clients.displayName,appointments.id,appointments.startAt\r\n')).toBe(true);
    const rows = parseCsv(text).map((row) => row.map(unguardFormula));
    expect(rows).toEqual([
      ['table', 'clients.id', 'clients.displayName', 'appointments.id', 'appointments.startAt'],
      ['clients', 'c1', '=evil, "quoted"\nname', '', ''],
      ['appointments', '', '', 'a1', '1767225600000'],
    ]);
  });
});

describe('FHIR resources', () => {
  it('maps a client to a Patient and carries unmapped columns as extensions, leaving empty values out', () => {
    const patient = patientResource({ id: 'c1', practiceId: 'p1', displayName: 'K. M.', email: null, active: true, restrictedAt: null, createdAt: 1767225600000 }, context);
    expect(patient).toMatchObject({ resourceType: 'Patient', id: 'c1', active: true, name: [{ text: 'K. M.' }], managingOrganization: { reference: 'Organization/p1' } });
    expect(patient.telecom).toBeUndefined();
    expect(patient.extension).toEqual([{ url: 'https://praxis.example/fhir/StructureDefinition/clients.createdAt', valueDecimal: 1767225600000 }]);
  });

  it('maps appointment statuses to the FHIR value set and times to instants', () => {
    const base = { id: 'a1', clientId: 'c1', startAt: Date.UTC(2026, 2, 29, 1, 30), endAt: Date.UTC(2026, 2, 29, 2, 20), createdAt: 0 };
    expect(['booked', 'cancelled', 'completed', 'no_show'].map((status) => appointmentResource({ ...base, status }, context).status)).toEqual(['booked', 'cancelled', 'fulfilled', 'noshow']);
    const appointment = appointmentResource({ ...base, status: 'booked' }, context, 'Erstgespräch');
    expect(appointment).toMatchObject({ start: '2026-03-29T01:30:00.000Z', end: '2026-03-29T02:20:00.000Z', serviceType: [{ text: 'Erstgespräch' }] });
    expect(appointment.participant).toMatchObject([{ actor: { reference: 'Patient/c1' }, status: 'accepted' }]);
  });

  it('maps a withdrawal to a Consent that denies the withdrawn purposes', () => {
    const consent = consentResource({ id: 'r1', practiceId: 'p1', clientId: 'c1', kind: 'withdrawn', purposes: ['reminders'], at: 0, seq: 4 }, context);
    expect(consent).toMatchObject({ status: 'active', policyRule: { coding: [{ code: 'OPTOUT' }] }, provision: { type: 'deny', purpose: [{ code: 'reminders' }] } });
    expect(consent.extension).toEqual([{ url: 'https://praxis.example/fhir/StructureDefinition/consent_records.seq', valueInteger: 4 }]);
  });

  it('exports a note as an encrypted octet-stream attachment with its iv and key id, converting base64url', () => {
    const note = noteDocumentReference({ id: 'n1', practiceId: 'p1', clientId: 'c1', appointmentId: null, keyId: 'k1', iv: 'aXY', ciphertext: 'ab-_', createdAt: 0 }, context);
    expect(note.content).toEqual([{ attachment: { contentType: 'application/octet-stream', data: 'ab+/', title: 'session-note.aes-gcm' } }]);
    expect(note.securityLabel).toMatchObject([{ coding: [{ code: 'R' }] }]);
    expect(note.extension).toEqual([
      {
        url: 'https://praxis.example/fhir/StructureDefinition/encrypted-content',
        extension: [
          { url: 'algorithm', valueString: 'AES-GCM' },
          { url: 'keyId', valueString: 'k1' },
          { url: 'iv', valueString: 'aXY' },
        ],
      },
    ]);
    expect(note.context).toBeUndefined();
  });

  it('streams a Bundle that parses as one collection with unique full URLs', () => {
    const text = fhirBundleHead({ id: 'b1', timestamp: 0 }) + fhirEntry(patientResource({ id: 'c1', displayName: 'A' }, context), context, 0) + fhirEntry(patientResource({ id: 'c2', displayName: 'B' }, context), context, 1) + FHIR_BUNDLE_TAIL;
    const bundle = JSON.parse(text);
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection', timestamp: '1970-01-01T00:00:00.000Z' });
    expect(bundle.entry.map((entry: { fullUrl: string }) => entry.fullUrl)).toEqual(['https://praxis.example/fhir/Patient/c1', 'https://praxis.example/fhir/Patient/c2']);
  });
});

describe('calendar feed text', () => {
  it('escapes backslash, semicolon, comma and line breaks, and drops control characters', () => {
    expect(escapeText('a\\b;c,d\ne\r\nf\u0007')).toBe('a\\\\b\\;c\\,d\\ne\\nf');
  });

  it('folds long lines at 75 octets without splitting a UTF-8 character', () => {
    const folded = foldLine(`SUMMARY:${'ø'.repeat(60)}`);
    const lines = folded.replace(/\r\n$/, '').split('\r\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
    expect(lines.slice(1).every((line) => line.startsWith(' '))).toBe(true);
    expect(lines.map((line, i) => (i === 0 ? line : line.slice(1))).join('')).toBe(`SUMMARY:${'ø'.repeat(60)}`);
  });

  it('publishes one VEVENT per appointment with CRLF line ends', () => {
    const event = { uid: 'feed-a@praxisraum', sequence: 2, start: Date.UTC(2026, 9, 25, 1, 30), end: Date.UTC(2026, 9, 25, 2, 20), stamp: 0, summary: 'Termin – K., M.' };
    const ics = calendarFeed({ name: 'Praxis; Nord', refreshMinutes: 15 }, [event, { ...event, uid: 'feed-b@praxisraum' }]);
    expect(ics.split('\r\n').slice(0, 6)).toEqual(['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Praxisraum//Calendar feed//EN', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH', 'X-WR-CALNAME:Praxis\\; Nord']);
    expect(ics.match(/BEGIN:VEVENT\r\n/g)).toHaveLength(2);
    expect(ics).toContain('DTSTART:20261025T013000Z\r\n');
    expect(ics).toContain('SUMMARY:Termin – K.\\, M.\r\n');
    expect(ics).toContain('SEQUENCE:2\r\n');
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(ics.replaceAll('\r\n', '')).not.toContain('\n');
  });
});
