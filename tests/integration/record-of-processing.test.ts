import { getTableName, is } from 'drizzle-orm';
import { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import { privacyOf } from '../../db/privacy';
import * as schema from '../../db/schema';
import { bookablePractice, book, freeSlots, request, signUpTherapist } from './harness';

type Record = {
  dataProtectionOfficer: { contact: string };
  subjectCategories: { id: string }[];
  dataCategories: { category: string; specialCategory: boolean; tables: string[] }[];
  recipients: { id: string }[];
  tables: { table: string; purposes: string[]; retention: string[]; columns: { column: string }[] }[];
  securityMeasures: { id: string }[];
};

const schemaTables = Object.values(schema)
  .filter((value: unknown) => is(value, SQLiteTable))
  .map((table) => getTableName(table))
  .sort();

const unique = (values: string[]) => [...new Set(values)];
const unescape = (html: string) => html.replaceAll('&#39;', "'").replaceAll('&quot;', '"').replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');

async function record(): Promise<Record> {
  const response = await request('/api/record-of-processing');
  expect(response.status).toBe(200);
  return response.json<Record>();
}

describe('record of processing (Art. 30)', () => {
  it('lists every table of the schema with the purposes and retention of its annotations', async () => {
    const body = await record();
    expect(body.tables.map((t) => t.table)).toEqual(schemaTables);
    for (const table of schemaTables) {
      const annotations = Object.entries(privacyOf(table) ?? {});
      expect(annotations.length, table).toBeGreaterThan(0);
      const entry = body.tables.find((t) => t.table === table);
      expect(entry?.purposes, table).toEqual(unique(annotations.map(([, a]) => a.purpose)));
      expect(entry?.retention, table).toEqual(unique(annotations.map(([, a]) => a.retention)));
      expect(entry?.columns.map((c) => c.column), table).toEqual(annotations.map(([column]) => column));
    }
  });

  it('names the subjects, the recipients, the health data as a special category and the security measures', async () => {
    const body = await record();
    expect(body.subjectCategories.map((s) => s.id)).toEqual(['clients', 'therapists', 'dpo']);
    expect(body.recipients.map((r) => r.id)).toEqual(expect.arrayContaining(['practice', 'cloudflare', 'resend']));
    expect(body.dataCategories.find((c) => c.category === 'health')).toMatchObject({ specialCategory: true });
    expect(body.dataCategories.find((c) => c.category === 'contact')?.tables).toContain('users');
    expect(body.securityMeasures.map((m) => m.id)).toEqual(
      expect.arrayContaining(['argon2id', 'hashed-tokens', 'csp', 'hsts', 'tls', 'eu-pinning', 'e2e-notes', 'append-only']),
    );
  });

  it('shows the same tables, purposes and retention on the public page, in German, Danish and English', async () => {
    const body = await record();
    const titles = { de: 'Verzeichnis von Verarbeitungstätigkeiten', da: 'Fortegnelse over behandlingsaktiviteter', en: 'Record of processing activities' };
    for (const [lang, title] of Object.entries(titles)) {
      const response = await request(`/record-of-processing?lang=${lang}`);
      expect(response.status).toBe(200);
      const html = unescape(await response.text());
      expect(html).toContain(`<html lang="${lang}"`);
      expect(html).toContain(title);
      for (const table of body.tables) {
        expect(html).toContain(`data-table="${table.table}"`);
        for (const text of [...table.purposes, ...table.retention]) expect(html, table.table).toContain(text);
      }
    }
  });

  it('contains no personal data, however much the database holds', async () => {
    const practice = await signUpTherapist({ practiceName: 'Praxis Geheimname', displayName: 'Therapeutin Unverwechselbar' });
    const bookable = await bookablePractice();
    const [slot] = await freeSlots(bookable.slug, bookable.inPerson.id);
    if (!slot) throw new Error('no free slot');
    expect((await book(bookable.slug, { typeId: bookable.inPerson.id, start: slot.start, name: 'Klientin Einzigartig', email: 'klientin.einzigartig@example.com' })).status).toBe(201);

    const json = await (await request('/api/record-of-processing')).text();
    const html = await (await request('/record-of-processing')).text();
    for (const text of [json, html]) {
      for (const personal of ['Praxis Geheimname', 'Therapeutin Unverwechselbar', practice.email, practice.slug, bookable.email, 'Klientin Einzigartig', 'klientin.einzigartig']) {
        expect(text).not.toContain(personal);
      }
    }
    // The only address is the DPO's role address, which Art. 30(1)(a) requires.
    const body = JSON.parse(json) as Record;
    expect(unique(json.match(/[\w.+-]+@[\w-]+\.[\w.]+/g) ?? [])).toEqual([body.dataProtectionOfficer.contact]);
  });
});
