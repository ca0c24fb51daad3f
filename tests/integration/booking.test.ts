import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../workers/lib/crypto';
import { verifyPracticeChain } from '../../workers/services/consent';
import { book, bookablePractice, bookingRequest, confirmBooking, countRows, freeSlots, holdTokenFor, request, termsOf, testDeps, unique } from './harness';

const WRITE_TABLES = ['clients', 'appointments', 'appointment_slots', 'consent_records', 'audit_events', 'outbox_messages'];
const snapshot = () => Promise.all(WRITE_TABLES.map(countRows));

describe('public slots and terms', () => {
  it('lists free slots in UTC for a date range and refuses ranges over 62 days or malformed dates', async () => {
    const practice = await bookablePractice();
    const slots = await freeSlots(practice.slug, practice.inPerson.id);
    expect(slots.length).toBeGreaterThan(10);
    for (const slot of slots) {
      expect(slot.start).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\.000Z$/);
      expect(Date.parse(slot.end) - Date.parse(slot.start)).toBe(practice.inPerson.duration_min * 60_000);
      expect(slot.typeId).toBe(practice.inPerson.id);
    }
    const tooLong = await request(`/api/p/${practice.slug}/slots?from=2026-12-01&to=2027-03-01`);
    expect(tooLong.status).toBe(422);
    expect((await tooLong.json<{ error: { fields: Record<string, string[]> } }>()).error.fields.to).toBeDefined();
    expect((await request(`/api/p/${practice.slug}/slots?from=2026-02-30&to=2026-03-01`)).status).toBe(422);
    expect((await request(`/api/p/${practice.slug}/slots?from=2026-12-01&to=2026-11-01`)).status).toBe(422);
  });

  it('answers an unknown practice with 404 in the API and a 404 page on the booking address', async () => {
    const api = await request('/api/p/no-such-practice/slots?from=2026-12-01&to=2026-12-02');
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    const page = await request('/book/no-such-practice');
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toContain('text/html');
  });

  it('serves the current terms with the SHA-256 of their exact text, telling what Art. 13 requires', async () => {
    const practice = await bookablePractice();
    const terms = await termsOf(practice.slug);
    expect(terms.version).toBe(1);
    expect(terms.sha256).toBe(await sha256Hex(terms.text));
    for (const word of ['Controller', 'Recipients', 'How long', 'withdraw', 'supervisory authority']) expect(terms.text).toContain(word);
  });
});

describe('booking', () => {
  it('books a free slot and keeps a consent record with version, text hash, purposes and method', async () => {
    const practice = await bookablePractice();
    const [slot] = await freeSlots(practice.slug, practice.video.id);
    const email = `${unique('client')}@example.com`;
    const response = await book(practice.slug, { typeId: practice.video.id, start: slot?.start ?? '', email, reminders: true });
    expect(response.status).toBe(201);
    const { booking } = await response.json<{ booking: { id: string; start: string; end: string; status: string } }>();
    expect(booking).toMatchObject({ start: slot?.start, end: slot?.end, status: 'booked' });
    const terms = await termsOf(practice.slug);
    const record = await env.DB.prepare('SELECT * FROM consent_records WHERE practice_id = ?').bind(practice.practiceId).first<Record<string, unknown>>();
    expect(record).toMatchObject({ kind: 'given', terms_version: terms.version, terms_sha256: terms.sha256, method: 'api', seq: 1, prev_hash: null });
    expect(JSON.parse(String(record?.purposes))).toEqual(['booking', 'reminders']);
    const appointment = await env.DB.prepare('SELECT access_code_hash, manage_token_hash FROM appointments WHERE id = ?').bind(booking.id).first<Record<string, string>>();
    expect(appointment?.access_code_hash).toMatch(/^hmac1\$[\w-]{22}\$[0-9a-f]{64}$/);
    const slotsAfter = await freeSlots(practice.slug, practice.video.id);
    expect(slotsAfter.map((s) => s.start)).not.toContain(slot?.start);
  });

  it('refuses a booking without accepted terms with 422 and stores nothing', async () => {
    const practice = await bookablePractice();
    const [slot] = await freeSlots(practice.slug);
    const before = await snapshot();
    const response = await bookingRequest(practice.slug, {
      typeId: slot?.typeId,
      start: slot?.start,
      name: 'A',
      email: 'a@example.com',
      termsVersion: 1,
      acceptTerms: false,
    });
    expect(response.status).toBe(422);
    expect((await response.json<{ error: { fields: Record<string, string[]> } }>()).error.fields.acceptTerms).toBeDefined();
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a stale terms version with 422 and stores nothing', async () => {
    const practice = await bookablePractice();
    const [slot] = await freeSlots(practice.slug);
    const before = await snapshot();
    const response = await bookingRequest(practice.slug, { typeId: slot?.typeId, start: slot?.start, name: 'A', email: 'a@example.com', termsVersion: 99, acceptTerms: true });
    expect(response.status).toBe(422);
    expect((await response.json<{ error: { fields: Record<string, string[]> } }>()).error.fields.termsVersion).toBeDefined();
    expect(await snapshot()).toEqual(before);
  });

  it('refuses invalid input with field messages: missing name, bad email, time not ISO', async () => {
    const practice = await bookablePractice();
    const response = await bookingRequest(practice.slug, { typeId: practice.video.id, start: 'tomorrow', name: '', email: 'x', termsVersion: 1, acceptTerms: true });
    expect(response.status).toBe(422);
    const { error } = await response.json<{ error: { fields: Record<string, string[]> } }>();
    expect(Object.keys(error.fields).sort()).toEqual(['email', 'name', 'start']);
  });

  it('lets exactly one of 20 simultaneous requests for one slot hold it; the rest get 409; its confirmation books once', async () => {
    const practice = await bookablePractice();
    const [slot] = await freeSlots(practice.slug, practice.inPerson.id);
    const terms = await termsOf(practice.slug);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        bookingRequest(practice.slug, {
          typeId: practice.inPerson.id,
          start: slot?.start,
          name: `Client ${i}`,
          email: `race-${i}-${unique('r')}@example.com`,
          termsVersion: terms.version,
          acceptTerms: true,
        }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const winner = await env.DB.prepare('SELECT email FROM booking_holds WHERE practice_id = ?').bind(practice.practiceId).first<string>('email');
    expect((await confirmBooking(await holdTokenFor(winner ?? ''))).status).toBe(201);
    const count = await env.DB.prepare("SELECT count(*) AS n FROM appointments WHERE practice_id = ? AND status = 'booked'").bind(practice.practiceId).first('n');
    expect(count).toBe(1);
    expect(await env.DB.prepare('SELECT count(*) AS n FROM consent_records WHERE practice_id = ?').bind(practice.practiceId).first('n')).toBe(1);
    expect(await env.DB.prepare('SELECT count(*) AS n FROM clients WHERE practice_id = ?').bind(practice.practiceId).first('n')).toBe(1);
  });

  it('refuses a different type whose time or buffer overlaps an existing booking', async () => {
    const practice = await bookablePractice();
    const slots = await freeSlots(practice.slug);
    const first = slots.find((s) => s.typeId === practice.video.id);
    expect((await book(practice.slug, { typeId: practice.video.id, start: first?.start ?? '' })).status).toBe(201);
    // The in-person slot 30 minutes later overlaps the 50-minute video call.
    const overlapping = new Date(Date.parse(first?.start ?? '') + 30 * 60_000).toISOString();
    expect((await book(practice.slug, { typeId: practice.inPerson.id, start: overlapping })).status).toBe(409);
    // One hour later is free again: 50 minutes plus the 10-minute buffer end exactly there.
    const afterBuffer = new Date(Date.parse(first?.start ?? '') + 60 * 60_000).toISOString();
    expect((await book(practice.slug, { typeId: practice.inPerson.id, start: afterBuffer })).status).toBe(201);
  });

  it('matches a returning client by email within the practice instead of creating a second one', async () => {
    const practice = await bookablePractice();
    const slots = await freeSlots(practice.slug, practice.inPerson.id);
    const email = `${unique('returning')}@example.com`;
    expect((await book(practice.slug, { typeId: practice.inPerson.id, start: slots[0]?.start ?? '', email })).status).toBe(201);
    expect((await book(practice.slug, { typeId: practice.inPerson.id, start: slots[4]?.start ?? '', email, name: 'Other name' })).status).toBe(201);
    expect(await env.DB.prepare('SELECT count(*) AS n FROM clients WHERE practice_id = ? AND email = ?').bind(practice.practiceId, email).first('n')).toBe(1);
  });

  it('throttles bookings per address without storing network addresses', async () => {
    const practice = await bookablePractice();
    const slots = await freeSlots(practice.slug, practice.inPerson.id);
    const email = `${unique('busy')}@example.com`;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await book(practice.slug, { typeId: practice.inPerson.id, start: slots[i * 2]?.start ?? '', email })).status);
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
  });
});

describe('consent chain', () => {
  it('verifies an intact chain and catches a record edited behind the trigger’s back', async () => {
    const practice = await bookablePractice();
    const slots = await freeSlots(practice.slug, practice.inPerson.id);
    for (const i of [0, 2, 4]) expect((await book(practice.slug, { typeId: practice.inPerson.id, start: slots[i]?.start ?? '' })).status).toBe(201);
    const deps = await testDeps();
    expect(await verifyPracticeChain(deps, practice.practiceId)).toEqual({ ok: true, length: 3 });
    // The trigger refuses edits outright…
    await expect(env.DB.prepare("UPDATE consent_records SET method = 'forged' WHERE practice_id = ?").bind(practice.practiceId).run()).rejects.toThrow(/append-only/);
    // …and someone who drops it still cannot edit unnoticed.
    await env.DB.prepare('DROP TRIGGER consent_records_no_update').run();
    await env.DB.prepare("UPDATE consent_records SET purposes = '[\"booking\",\"reminders\"]' WHERE practice_id = ? AND seq = 2").bind(practice.practiceId).run();
    const verdict = await verifyPracticeChain(deps, practice.practiceId);
    expect(verdict.ok).toBe(false);
    expect(verdict.ok ? [] : verdict.problems.map((p) => p.seq)).toContain(2);
  });
});
