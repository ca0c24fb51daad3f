import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditActionTexts } from '../../web/i18n/audit';
import { erasureTexts, retentionTexts, tablePurposeTexts } from '../../web/i18n/record-tables';
import { auditInsert } from '../../workers/services/audit';
import { bookablePractice, book, Client, freeSlots, manageTokenFor, request, testDeps, unique } from './harness';
import { SYSTEM } from '../../workers/lib/actor';

// Statuses, purposes, audit actions and the record of processing are stored as codes and English annotations; a German
// or Danish reader must see words in their own language instead (issue 12, outcome 5).

/** What a reader sees: no markup, scripts or attributes. The record's English column annotations sit in a disclosure
 * marked lang="en" on purpose (they are the quoted source), so they are left out too. */
function visibleText(html: string): string {
  return html
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/g, ' ')
    .replace(/<details lang="en">[\s\S]*?<\/details>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');
}

const AUDIT_CODES = Object.keys(auditActionTexts.texts.en);
const STATUS_CODES = /\b(booked|cancelled|completed|no_show)\b/i;

function rawCodesIn(text: string, locale: 'de' | 'da'): string[] {
  const found = AUDIT_CODES.filter((code) => text.includes(code));
  const status = STATUS_CODES.exec(text)?.[0];
  if (status) found.push(status);
  if (/\breminders\b/i.test(text)) found.push('reminders');
  // "booking" is a Danish word too ("Booking og afholdelse af tider"), so the purpose code is looked for in German only.
  if (locale === 'de' && /\bbooking\b/i.test(text)) found.push('booking');
  return found;
}

let pages: { name: string; path: string; client: Client }[] = [];

beforeAll(async () => {
  const practice = await bookablePractice();
  const email = `${unique('translated')}@example.com`;
  const slots = await freeSlots(practice.slug, practice.inPerson.id);
  expect((await book(practice.slug, { typeId: practice.inPerson.id, start: slots.at(-1)?.start ?? '', email, name: 'Übersetzt', reminders: true })).status).toBe(201);
  const cancelledToken = await manageTokenFor(email);
  expect((await new Client().form(`/b/${cancelledToken}/cancel`, {})).status).toBe(303);
  expect((await book(practice.slug, { typeId: practice.inPerson.id, start: slots.at(-4)?.start ?? '', email, name: 'Übersetzt', reminders: true })).status).toBe(201);
  const bookedToken = await manageTokenFor(email);
  const clientId = await env.DB.prepare('SELECT id FROM clients WHERE email = ?').bind(email).first<string>('id');
  // The actions the audit log showed as raw codes: a data-protection request and a breach notice to the practice.
  const deps = await testDeps();
  for (const action of ['rights.started', 'incident.practice_notified'] as const) await deps.db.batch([auditInsert(deps.db, { action, actor: SYSTEM, practiceId: practice.practiceId, targetId: crypto.randomUUID() }, Date.now())]);
  const date = slots.at(-1)?.start.slice(0, 10) ?? '';
  const anonymous = new Client();
  pages = [
    { name: 'client page', path: `/dashboard/clients/${clientId}`, client: practice.client },
    { name: 'agenda', path: `/dashboard/appointments?view=week&date=${date}`, client: practice.client },
    { name: 'audit log', path: '/dashboard/audit', client: practice.client },
    { name: 'manage page (booked)', path: `/b/${bookedToken}`, client: anonymous },
    { name: 'manage page (cancelled)', path: `/b/${cancelledToken}`, client: anonymous },
    { name: 'record of processing', path: '/record-of-processing', client: anonymous },
  ];
});

describe('German and Danish pages show words, not codes', () => {
  for (const locale of ['de', 'da'] as const) {
    it(`renders statuses, purposes and audit actions in ${locale}`, async () => {
      for (const page of pages) {
        const response = await page.client.fetch(`${page.path}${page.path.includes('?') ? '&' : '?'}lang=${locale}`);
        expect(response.status, page.name).toBe(200);
        const html = await response.text();
        expect(html, page.name).toContain(`<html lang="${locale}"`);
        expect(rawCodesIn(visibleText(html), locale), `${page.name} in ${locale}`).toEqual([]);
      }
    });

    it(`shows the record of processing's purposes, retention and erasure in ${locale}`, async () => {
      const text = visibleText(await (await request(`/record-of-processing?lang=${locale}`)).text());
      const english = [...Object.values(retentionTexts.texts.en), ...Object.values(tablePurposeTexts.texts.en), ...Object.keys(erasureTexts.texts.en)];
      expect(english.filter((words) => text.includes(words))).toEqual([]);
      expect(['The practice (controller)', 'none (local development)', 'local outbox (development only)'].filter((words) => text.includes(words))).toEqual([]);
      for (const words of [...Object.values(retentionTexts.texts[locale]), ...Object.values(tablePurposeTexts.texts[locale])].slice(0, 5)) expect(text).toContain(words);
    });
  }

  it('shows the words of each status on the agenda and client pages of a German therapist', async () => {
    const page = pages.find((p) => p.name === 'client page');
    const text = visibleText(await (await (page?.client ?? new Client()).fetch(`${page?.path}?lang=de`)).text());
    expect(text).toContain('Abgesagt');
    expect(text).toContain('Gebucht');
    expect(text).toContain('Erinnerungen per E-Mail');
  });

  it('names a data-protection request and a breach notice on the audit log of a Danish therapist', async () => {
    const page = pages.find((p) => p.name === 'audit log');
    const text = visibleText(await (await (page?.client ?? new Client()).fetch(`${page?.path}?lang=da`)).text());
    expect(text).toContain('Behandling af en anmodning om databeskyttelse påbegyndt');
    expect(text).toContain('Praksis underrettet om et brud på datasikkerheden');
  });
});
