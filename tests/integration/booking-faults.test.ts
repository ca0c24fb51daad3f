import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { sealAllChains, verifyPracticeChain } from '../../workers/services/consent';
import { bookablePractice, bookingRequest, Client, freeSlots, outbox, rowsChanged, tableCounts, termsOf, testDeps, unique } from './harness';

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

async function mailsTo(email: string) {
  return (await outbox()).filter((m) => m.to === email);
}

async function consentHashOf(practiceId: string) {
  return env.DB.prepare('SELECT record_hash FROM consent_records WHERE practice_id = ?').bind(practiceId).first('record_hash');
}

/** The writes of the booking batch, in its order; each must take the whole batch down with it. */
const BATCH_WRITES = [
  ['the client', 'clients'],
  ['the practice’s hour counter', 'practice_booking_windows'],
  ['the client’s day counter', 'client_booking_windows'],
  ['the appointment', 'appointments'],
  ['the slot claim', 'appointment_slots'],
  ['the consent record', 'consent_records'],
  ['the audit entry', 'audit_events'],
] as const;

describe('a database failure inside the booking batch', () => {
  it.each(BATCH_WRITES)('leaves no row and sends no mail when writing %s fails, answers 503, and the slot can be booked afterwards', async (_, table) => {
    const { practice, start, email, attempt } = await practiceWithSlot();
    const before = await tableCounts();

    const failed = await withFault('INSERT', table, attempt);

    expect(failed.status).toBe(503);
    const body = await failed.text();
    expect(JSON.parse(body)).toEqual({ error: { code: 'UNAVAILABLE', message: expect.stringContaining('try again') } });
    expect(body).not.toMatch(/injected|SQLITE|D1_/);
    expect(rowsChanged(before, await tableCounts())).toEqual({});
    expect(await mailsTo(email)).toEqual([]);
    expect((await freeSlots(practice.slug, practice.inPerson.id)).map((s) => s.start)).toContain(start);

    const retried = await attempt();
    expect(retried.status).toBe(201);
    expect(await mailsTo(email)).toHaveLength(1);
    expect(await verifyPracticeChain(await testDeps(), practice.practiceId)).toEqual({ ok: true, length: 1 });
  });

  it('answers the booking form with a 503 page that names no internals', async () => {
    const { practice, start, email } = await practiceWithSlot();
    const before = await tableCounts();
    const fields = { typeId: practice.inPerson.id, termsVersion: '1', start, name: 'J.', email, acceptTerms: 'true' };

    const failed = await withFault('INSERT', 'consent_records', () => new Client().form(`/book/${practice.slug}`, fields));

    expect(failed.status).toBe(503);
    expect(failed.headers.get('content-type')).toContain('text/html');
    const html = await failed.text();
    expect(html).toContain('try again');
    expect(html).not.toMatch(/injected|SQLITE|D1_/);
    expect(rowsChanged(before, await tableCounts())).toEqual({});
  });
});

describe('a failure after the booking committed', () => {
  it('keeps a booking whose consent record could not be sealed, and the cron seals it later', async () => {
    const { practice, email, attempt } = await practiceWithSlot();

    // Sealing moves the practice's chain head; with that update failing the record stays unsealed.
    const booked = await withFault('UPDATE', 'practices', attempt);

    expect(booked.status).toBe(201);
    expect(await mailsTo(email)).toHaveLength(1);
    expect(await consentHashOf(practice.practiceId)).toBeNull();
    await sealAllChains(await testDeps());
    expect(await consentHashOf(practice.practiceId)).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifyPracticeChain(await testDeps(), practice.practiceId)).toEqual({ ok: true, length: 1 });
  });

  it('keeps a booking, sealed and complete, whose emails could not be sent', async () => {
    const { practice, start, email, attempt } = await practiceWithSlot();
    const before = await tableCounts();

    const booked = await withFault('INSERT', 'outbox_messages', attempt);

    expect(booked.status).toBe(201);
    expect(await mailsTo(email)).toEqual([]);
    // Twelve slot claims: five-minute buckets for 50 minutes and the 10-minute buffer after.
    expect(rowsChanged(before, await tableCounts())).toEqual({
      clients: 1,
      appointments: 1,
      appointment_slots: 12,
      consent_records: 1,
      audit_events: 1,
      practice_booking_windows: 1,
      client_booking_windows: 1,
    });
    expect(await consentHashOf(practice.practiceId)).toMatch(/^[0-9a-f]{64}$/);
    expect((await freeSlots(practice.slug, practice.inPerson.id)).map((s) => s.start)).not.toContain(start);
  });
});
