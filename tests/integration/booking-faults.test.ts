import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { sealAllChains, verifyPracticeChain } from '../../workers/services/consent';
import { bookablePractice, bookingRequest, Client, confirmBooking, freeSlots, holdTokenFor, outbox, rowsChanged, tableCounts, termsOf, testDeps, unique } from './harness';

/** Makes every `event` on `table` fail, as a broken database would, for the duration of `run`. */
async function withFault<T>(event: 'INSERT' | 'UPDATE', table: string, run: () => Promise<T>): Promise<T> {
  await env.DB.prepare(`CREATE TRIGGER injected_fault BEFORE ${event} ON ${table} BEGIN SELECT RAISE(ABORT, 'injected fault'); END`).run();
  try {
    return await run();
  } finally {
    await env.DB.prepare('DROP TRIGGER injected_fault').run();
  }
}

async function practiceWithSlot() {
  const practice = await bookablePractice();
  const [slot] = await freeSlots(practice.slug, practice.inPerson.id);
  const terms = await termsOf(practice.slug);
  const email = `${unique('fault')}@example.com`;
  const attempt = () =>
    bookingRequest(practice.slug, { typeId: slot?.typeId, start: slot?.start, name: 'K. M.', email, termsVersion: terms.version, acceptTerms: true });
  return { practice, start: slot?.start ?? '', email, attempt };
}

/** A practice with a time held for `email`, and the confirmation of that hold. */
async function practiceWithHold() {
  const setup = await practiceWithSlot();
  expect((await setup.attempt()).status).toBe(202);
  const token = await holdTokenFor(setup.email);
  return { ...setup, confirm: () => confirmBooking(token) };
}

async function mailsTo(email: string) {
  return (await outbox()).filter((m) => m.to === email);
}

async function consentHashOf(practiceId: string) {
  return env.DB.prepare('SELECT record_hash FROM consent_records WHERE practice_id = ?').bind(practiceId).first('record_hash');
}

/** The writes of the hold's batch, in its order; each must take the whole batch down with it. */
const HOLD_WRITES = [
  ['the hold', 'booking_holds'],
  ['the slot claim', 'appointment_slots'],
  ['the practice’s hold gate', 'booking_hold_gates'],
] as const;

/** The writes of the confirmation's batch, in its order. */
const CONFIRM_WRITES = [
  ['the client', 'INSERT', 'clients'],
  ['the appointment', 'INSERT', 'appointments'],
  ['the hold’s status', 'UPDATE', 'booking_holds'],
  ['the slot claims’ move to the appointment', 'UPDATE', 'appointment_slots'],
  ['the practice’s hour counter', 'INSERT', 'practice_booking_windows'],
  ['the client’s day counter', 'INSERT', 'client_booking_windows'],
  ['the consent record', 'INSERT', 'consent_records'],
  ['the audit entry', 'INSERT', 'audit_events'],
] as const;

function expectUnavailable(body: string) {
  expect(JSON.parse(body)).toEqual({ error: { code: 'UNAVAILABLE', key: 'server.databaseUnavailable', message: expect.stringContaining('try again') } });
  expect(body).not.toMatch(/injected|SQLITE|D1_/);
}

describe('a database failure inside the hold batch', () => {
  it.each(HOLD_WRITES)('leaves no row and sends no mail when writing %s fails, answers 503, and the slot can be held afterwards', async (_, table) => {
    const { practice, start, email, attempt } = await practiceWithSlot();
    const before = await tableCounts();

    const failed = await withFault('INSERT', table, attempt);

    expect(failed.status).toBe(503);
    expectUnavailable(await failed.text());
    expect(rowsChanged(before, await tableCounts())).toEqual({});
    expect(await mailsTo(email)).toEqual([]);
    expect((await freeSlots(practice.slug, practice.inPerson.id)).map((s) => s.start)).toContain(start);

    expect((await attempt()).status).toBe(202);
    expect(await mailsTo(email)).toHaveLength(1);
  });

  it('answers the booking form with a 503 page that names no internals', async () => {
    const { practice, start, email } = await practiceWithSlot();
    const before = await tableCounts();
    const fields = { typeId: practice.inPerson.id, termsVersion: '1', start, name: 'J.', email, acceptTerms: 'true' };

    const failed = await withFault('INSERT', 'booking_holds', () => new Client().form(`/book/${practice.slug}`, fields));

    expect(failed.status).toBe(503);
    expect(failed.headers.get('content-type')).toContain('text/html');
    const html = await failed.text();
    expect(html).toContain('try again');
    expect(html).not.toMatch(/injected|SQLITE|D1_/);
    expect(rowsChanged(before, await tableCounts())).toEqual({});
  });
});

describe('a database failure inside the confirmation batch', () => {
  it.each(CONFIRM_WRITES)('changes nothing and sends no mail when writing %s fails, answers 503, and the link still works', async (_, event, table) => {
    const { practice, email, confirm } = await practiceWithHold();
    const before = await tableCounts();

    const failed = await withFault(event, table, confirm);

    expect(failed.status).toBe(503);
    expectUnavailable(await failed.text());
    expect(rowsChanged(before, await tableCounts())).toEqual({});
    expect(await mailsTo(email)).toHaveLength(1);

    expect((await confirm()).status).toBe(201);
    expect(await mailsTo(email)).toHaveLength(2);
    expect(await verifyPracticeChain(await testDeps(), practice.practiceId)).toEqual({ ok: true, length: 1 });
  });
});

describe('a failure after the booking committed', () => {
  it('keeps a booking whose consent record could not be sealed, and the cron seals it later', async () => {
    const { practice, email, confirm } = await practiceWithHold();

    // Sealing moves the practice's chain head; with that update failing the record stays unsealed.
    const booked = await withFault('UPDATE', 'practices', confirm);

    expect(booked.status).toBe(201);
    expect(await mailsTo(email)).toHaveLength(2);
    expect(await consentHashOf(practice.practiceId)).toBeNull();
    await sealAllChains(await testDeps());
    expect(await consentHashOf(practice.practiceId)).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifyPracticeChain(await testDeps(), practice.practiceId)).toEqual({ ok: true, length: 1 });
  });

  it('keeps a booking, sealed and complete, whose emails could not be sent', async () => {
    const { practice, start, email, confirm } = await practiceWithHold();
    const before = await tableCounts();

    const booked = await withFault('INSERT', 'outbox_messages', confirm);

    expect(booked.status).toBe(201);
    expect(await mailsTo(email)).toHaveLength(1);
    // The hold's twelve slot claims (five-minute buckets for 50 minutes and the 10-minute buffer after) now belong to
    // the appointment, so their number does not change.
    expect(await env.DB.prepare('SELECT count(*) AS n FROM appointment_slots WHERE appointment_id = ?').bind((await booked.json<{ booking: { id: string } }>()).booking.id).first('n')).toBe(12);
    expect(rowsChanged(before, await tableCounts())).toEqual({
      clients: 1,
      appointments: 1,
      consent_records: 1,
      audit_events: 1,
      practice_booking_windows: 1,
      client_booking_windows: 1,
    });
    expect(await consentHashOf(practice.practiceId)).toMatch(/^[0-9a-f]{64}$/);
    expect((await freeSlots(practice.slug, practice.inPerson.id)).map((s) => s.start)).not.toContain(start);
  });
});
