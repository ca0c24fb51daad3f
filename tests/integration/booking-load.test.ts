import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { consentInsert, sealAllChains, verifyPracticeChain } from '../../workers/services/consent';
import { allowHolds, book, bookablePractice, bookingRequest, confirmBooking, freeSlots, holdTokenFor, request, rowsChanged, tableCounts, termsOf, testDeps, unique } from './harness';

const SLOTS = 10;
const ATTEMPTS_PER_SLOT = 100;

function tally(values: (string | number)[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

describe('booking under load', () => {
  it('holds and confirms 40 different slots of one practice at once without a server error and keeps one unbroken consent chain', async () => {
    const practice = await bookablePractice();
    await allowHolds(practice.practiceId);
    const slots = (await freeSlots(practice.slug, practice.inPerson.id, 21)).filter((_, i) => i % 2 === 0).slice(0, 40);
    expect(slots.length).toBe(40);
    const terms = await termsOf(practice.slug);
    const emails = slots.map(() => `${unique('load')}@example.com`);
    const held = await Promise.all(
      slots.map((slot, i) => bookingRequest(practice.slug, { typeId: slot.typeId, start: slot.start, name: `C${i}`, email: emails[i], termsVersion: terms.version, acceptTerms: true })),
    );
    expect(held.map((r) => r.status).filter((s) => s !== 202 && s !== 409)).toEqual([]);
    const tokens = await Promise.all(emails.filter((_, i) => held[i]?.status === 202).map(holdTokenFor));
    const responses = await Promise.all(tokens.map((token) => confirmBooking(token)));
    const statuses = responses.map((r) => r.status);
    const bodies = await Promise.all(responses.filter((r) => r.status >= 500).map((r) => r.text()));
    expect(bodies).toEqual([]);
    expect(statuses.every((s) => s === 201)).toBe(true);
    const booked = statuses.filter((s) => s === 201).length;
    expect(await env.DB.prepare('SELECT count(*) AS n FROM consent_records WHERE practice_id = ?').bind(practice.practiceId).first('n')).toBe(booked);
    expect(await verifyPracticeChain(await testDeps(), practice.practiceId)).toEqual({ ok: true, length: booked });
  });
});

describe('a rush on ten slots', () => {
  it('lets 1,000 booking attempts at once on 10 slots end in exactly 10 bookings, 10 consent records and nothing from the 990 refused', { timeout: 300_000 }, async () => {
    const practice = await bookablePractice();
    // The limits of unconfirmed bookings are not what this test is about (booking-holds.test.ts is): ten may be held.
    await allowHolds(practice.practiceId, SLOTS, SLOTS);
    // One slot on each of ten days, so that the ten never overlap one another.
    const free = await freeSlots(practice.slug, practice.inPerson.id, 21);
    const slots = free.filter((slot, i) => free.findIndex((s) => s.start.slice(0, 10) === slot.start.slice(0, 10)) === i).slice(0, SLOTS);
    expect(slots).toHaveLength(SLOTS);
    const terms = await termsOf(practice.slug);
    const tag = unique('rush');
    const attempts = Array.from({ length: SLOTS * ATTEMPTS_PER_SLOT }, (_, i) => ({ slot: slots[i % SLOTS], email: `${tag}-${i}@example.com` }));
    const before = await tableCounts();

    // All 1,000 at once, each a public JSON booking with accepted terms and its own address. They go to the Worker's
    // fetch handler directly: through the test pool's dispatch they would take minutes (see request).
    const answers = await Promise.all(
      attempts.map(async ({ slot, email }) => {
        const body = JSON.stringify({ typeId: slot?.typeId, start: slot?.start, name: 'K. M.', email, termsVersion: terms.version, acceptTerms: true });
        const response = await request(`/api/p/${practice.slug}/bookings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const answer = await response.json<{ error?: { code: string } }>();
        return { status: response.status, code: answer.error?.code ?? 'none', email, start: slot?.start };
      }),
    );

    // No abuse limit can refuse here: the hold gate counts committed holds, of which there are never more than ten (a
    // refused batch takes its count with it); the per-address limit counts each address's bookings (every address is
    // new) and the per-practice one (60 an hour) counts confirmed bookings.
    expect(tally(answers.map((a) => a.status))).toEqual({ 202: SLOTS, 409: SLOTS * (ATTEMPTS_PER_SLOT - 1) });
    expect(tally(answers.filter((a) => a.status === 409).map((a) => a.code))).toEqual({ CONFLICT: SLOTS * (ATTEMPTS_PER_SLOT - 1) });
    const winners = answers.filter((a) => a.status === 202);
    // The ten winners confirm from their emails, all at once.
    const confirmed = await Promise.all(winners.map(async (w) => (await confirmBooking(await holdTokenFor(w.email))).status));
    expect(confirmed).toEqual(winners.map(() => 201));
    expect(new Set(winners.map((w) => w.start)).size).toBe(SLOTS);
    const winnerEmails = winners.map((w) => w.email).sort();

    // Every new row belongs to one of the ten bookings: its hold (kept an hour for the hourly count), a client, an
    // appointment, its slot claims (one per five minutes of duration and buffers, moved from the hold), a consent
    // record, an audit entry, three emails (the confirmation link and the confirmation to the client, the notice to the
    // therapist) and the client's day counter; the practice's hour counter and its hold gate are one row each.
    const minutes = await env.DB.prepare('SELECT duration_min + buffer_before_min + buffer_after_min AS m FROM appointment_types WHERE id = ?').bind(practice.inPerson.id).first<number>('m');
    const claimsPerBooking = (minutes ?? 0) / 5;
    expect(rowsChanged(before, await tableCounts())).toEqual({
      clients: SLOTS,
      appointments: SLOTS,
      appointment_slots: SLOTS * claimsPerBooking,
      consent_records: SLOTS,
      audit_events: SLOTS,
      outbox_messages: 3 * SLOTS,
      client_booking_windows: SLOTS,
      practice_booking_windows: 1,
      booking_holds: SLOTS,
      booking_hold_gates: 1,
    });
    const clients = await env.DB.prepare('SELECT email FROM clients WHERE practice_id = ? ORDER BY email').bind(practice.practiceId).all<{ email: string }>();
    expect(clients.results.map((c) => c.email)).toEqual(winnerEmails);
    const mailed = await env.DB.prepare('SELECT DISTINCT recipient FROM outbox_messages WHERE instr(recipient, ?) = 1 ORDER BY recipient').bind(tag).all<{ recipient: string }>();
    expect(mailed.results.map((m) => m.recipient)).toEqual(winnerEmails);
    const complete = await env.DB.prepare(
      `SELECT count(*) AS n FROM appointments a JOIN consent_records r ON r.id = a.consent_record_id AND r.client_id = a.client_id
       WHERE a.practice_id = ? AND (SELECT count(*) FROM appointment_slots s WHERE s.appointment_id = a.id) = ?`,
    ).bind(practice.practiceId, claimsPerBooking).first('n');
    expect(complete).toBe(SLOTS);
    expect(await verifyPracticeChain(await testDeps(), practice.practiceId)).toEqual({ ok: true, length: SLOTS });
  });
});

describe('consent chain sealing', () => {
  it('lets the cron seal a record whose request failed before sealing, and notices a removed last record', async () => {
    const practice = await bookablePractice();
    const slots = await freeSlots(practice.slug, practice.inPerson.id);
    const terms = await termsOf(practice.slug);
    const booked = await book(practice.slug, { typeId: slots[0]?.typeId ?? '', start: slots[0]?.start ?? '', name: 'A' });
    expect(booked.status).toBe(201);
    const clientId = await env.DB.prepare('SELECT client_id FROM consent_records WHERE practice_id = ?').bind(practice.practiceId).first('client_id');
    // A record written by a request that died before sealing it.
    const deps = await testDeps();
    const orphan = await consentInsert(deps, practice.practiceId, {
      clientId: String(clientId),
      kind: 'withdrawn',
      purposes: ['booking'],
      termsVersion: terms.version,
      termsSha256: terms.sha256,
      method: 'withdrawal-link',
    });
    await orphan.insert;
    await sealAllChains(deps);
    const sealedRow = await env.DB.prepare('SELECT record_hash, prev_hash FROM consent_records WHERE practice_id = ? AND seq = 2').bind(practice.practiceId).first<{ record_hash: string; prev_hash: string }>();
    expect(sealedRow?.record_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(sealedRow?.prev_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifyPracticeChain(deps, practice.practiceId)).toEqual({ ok: true, length: 2 });
    await env.DB.prepare('DELETE FROM consent_records WHERE practice_id = ? AND seq = 2').bind(practice.practiceId).run();
    const verdict = await verifyPracticeChain(deps, practice.practiceId);
    expect(verdict.ok).toBe(false);
    expect(verdict.ok ? [] : verdict.problems.map((p) => p.problem)).toContain('head-mismatch');
  });
});
