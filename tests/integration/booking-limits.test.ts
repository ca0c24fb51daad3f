import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { CLIENT_LIMIT, DAY_MS, HOUR_MS, PRACTICE_LIMIT, windowStartOf } from '../../workers/domain/booking-limits';
import { verifyPracticeChain } from '../../workers/services/consent';
import { purgeExpired } from '../../workers/services/retention';
import { allowHolds, book, bookablePractice, bookingRequest, confirmBooking, freeSlots, holdTokenFor, rowsChanged, tableCounts, termsOf, testDeps, unique } from './harness';

type Answer = { status: number; code: string; message: string };

function tally(values: (string | number)[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

/** A burst must not straddle the turn of an hour (every day starts at one): then it would count in two windows. */
async function awayFromWindowEdge() {
  const left = windowStartOf(PRACTICE_LIMIT, Date.now()) + HOUR_MS - Date.now();
  if (left < 30_000) await new Promise((resolve) => setTimeout(resolve, left + 1_000));
}

/** A practice with `n` free slots of one type that do not overlap one another (an hour apart within a day). */
async function practiceWithSlots(n: number) {
  const practice = await bookablePractice();
  const slots = (await freeSlots(practice.slug, practice.inPerson.id, 21)).filter((_, i) => i % 2 === 0).slice(0, n);
  expect(slots).toHaveLength(n);
  // The limits of unconfirmed bookings are tested in booking-holds.test.ts; here every attempt may be held.
  await allowHolds(practice.practiceId);
  return { practice, slots, terms: await termsOf(practice.slug) };
}

/** Holds every attempt at once (each must be held), reads the links from the mails and returns the confirmations' tokens. */
async function holdAll(slug: string, termsVersion: number, attempts: { start: string; typeId: string; email: string }[]): Promise<string[]> {
  const held = await Promise.all(attempts.map(({ start, typeId, email }) => bookingRequest(slug, { typeId, start, name: 'K. M.', email, termsVersion, acceptTerms: true })));
  expect(held.map((r) => r.status)).toEqual(attempts.map(() => 202));
  const tokens: string[] = [];
  for (const { email } of attempts) tokens.push(await holdTokenFor(email));
  return tokens;
}

/** Confirms every hold at once, as people clicking their links together would. The limits on bookings apply here. */
async function confirmAll(tokens: string[]): Promise<Answer[]> {
  return Promise.all(
    tokens.map(async (token) => {
      const response = await confirmBooking(token);
      const body = await response.json<{ error?: { code: string; message: string } }>();
      return { status: response.status, code: body.error?.code ?? 'none', message: body.error?.message ?? '' };
    }),
  );
}

async function bookAll(slug: string, termsVersion: number, attempts: { start: string; typeId: string; email: string }[]): Promise<Answer[]> {
  return confirmAll(await holdAll(slug, termsVersion, attempts));
}

function fillPracticeHour(practiceId: string, bookings: number, windowStart = windowStartOf(PRACTICE_LIMIT, Date.now())) {
  return env.DB.prepare('INSERT INTO practice_booking_windows (practice_id, window_start, bookings) VALUES (?, ?, ?)').bind(practiceId, windowStart, bookings).run();
}

async function counter(table: 'practice_booking_windows' | 'client_booking_windows', key: string) {
  const column = table === 'practice_booking_windows' ? 'practice_id' : 'client_id';
  const rows = await env.DB.prepare(`SELECT window_start, bookings FROM ${table} WHERE ${column} = ? ORDER BY window_start`).bind(key).all<{ window_start: number; bookings: number }>();
  return rows.results;
}

async function clientIdOf(practiceId: string, email: string): Promise<string> {
  return String(await env.DB.prepare('SELECT id FROM clients WHERE practice_id = ? AND email = ?').bind(practiceId, email).first('id'));
}

describe('the per-practice limit under concurrency', () => {
  it('lets exactly 5 of 50 simultaneous bookings through when the hour has 5 left, refuses 45 with 429 and keeps nothing of them', async () => {
    const { practice, slots, terms } = await practiceWithSlots(50);
    await awayFromWindowEdge();
    await fillPracticeHour(practice.practiceId, PRACTICE_LIMIT.max - 5);
    const tokens = await holdAll(
      practice.slug,
      terms.version,
      slots.map((slot) => ({ ...slot, email: `${unique('burst')}@example.com` })),
    );
    const before = await tableCounts();

    const answers = await confirmAll(tokens);

    expect(tally(answers.map((a) => a.status))).toEqual({ 201: 5, 429: 45 });
    const refused = answers.filter((a) => a.status === 429);
    expect(new Set(refused.map((a) => a.code))).toEqual(new Set(['TOO_MANY_ATTEMPTS']));
    expect(new Set(refused.map((a) => a.message))).toEqual(new Set(['Too many bookings in a short time. Please contact the practice directly.']));
    // Five bookings' rows and nothing else: two emails each, one day counter per new client; the practice's hour
    // counter already existed and now stands at the limit. The refused holds gave their time back: twelve slot claims
    // each (50 minutes and a 10-minute buffer).
    expect(rowsChanged(before, await tableCounts())).toEqual({
      clients: 5,
      appointments: 5,
      appointment_slots: -45 * 12,
      consent_records: 5,
      audit_events: 5,
      outbox_messages: 10,
      client_booking_windows: 5,
    });
    expect(await counter('practice_booking_windows', practice.practiceId)).toEqual([
      { window_start: windowStartOf(PRACTICE_LIMIT, Date.now()), bookings: PRACTICE_LIMIT.max },
    ]);
    expect(await verifyPracticeChain(await testDeps(), practice.practiceId)).toEqual({ ok: true, length: 5 });
  });

  it('opens the next hour: a full past hour refuses nothing, and the cron deletes its counter', async () => {
    const { practice, slots, terms } = await practiceWithSlots(2);
    await awayFromWindowEdge();
    const hour = windowStartOf(PRACTICE_LIMIT, Date.now());
    await fillPracticeHour(practice.practiceId, PRACTICE_LIMIT.max);
    const attempt = (i: number) => bookAll(practice.slug, terms.version, [{ start: slots[i]?.start ?? '', typeId: slots[i]?.typeId ?? '', email: `${unique('hour')}@example.com` }]);

    const [token = ''] = await holdAll(practice.slug, terms.version, [{ start: slots[0]?.start ?? '', typeId: slots[0]?.typeId ?? '', email: `${unique('hour')}@example.com` }]);
    const before = await tableCounts();
    expect((await confirmAll([token])).map((a) => a.status)).toEqual([429]);
    // Nothing booked; the refused hold gave its time back.
    expect(rowsChanged(before, await tableCounts())).toEqual({ appointment_slots: -12 });

    // As if the hour had passed: the full counter now belongs to the previous hour.
    await env.DB.prepare('UPDATE practice_booking_windows SET window_start = ? WHERE practice_id = ?').bind(hour - HOUR_MS, practice.practiceId).run();
    expect((await attempt(1)).map((a) => a.status)).toEqual([201]);
    expect(await counter('practice_booking_windows', practice.practiceId)).toEqual([
      { window_start: hour - HOUR_MS, bookings: PRACTICE_LIMIT.max },
      { window_start: hour, bookings: 1 },
    ]);

    await purgeExpired(await testDeps());
    expect(await counter('practice_booking_windows', practice.practiceId)).toEqual([{ window_start: hour, bookings: 1 }]);
  });
});

describe('the per-address limit under concurrency', () => {
  it('lets one address book exactly 5 of 8 slots sent at once, and the other 3 get 429', async () => {
    const { practice, slots, terms } = await practiceWithSlots(8);
    await awayFromWindowEdge();
    const email = `${unique('eager')}@example.com`;
    const tokens = await holdAll(
      practice.slug,
      terms.version,
      slots.map((slot) => ({ ...slot, email })),
    );
    const before = await tableCounts();

    const answers = await confirmAll(tokens);

    expect(tally(answers.map((a) => a.status))).toEqual({ 201: 5, 429: 3 });
    expect(new Set(answers.filter((a) => a.status === 429).map((a) => a.code))).toEqual(new Set(['TOO_MANY_ATTEMPTS']));
    expect(rowsChanged(before, await tableCounts())).toEqual({
      clients: 1,
      appointments: 5,
      appointment_slots: -3 * 12,
      consent_records: 5,
      audit_events: 5,
      outbox_messages: 10,
      client_booking_windows: 1,
      practice_booking_windows: 1,
    });
    const clientId = await clientIdOf(practice.practiceId, email);
    expect(await counter('client_booking_windows', clientId)).toEqual([{ window_start: windowStartOf(CLIENT_LIMIT, Date.now()), bookings: CLIENT_LIMIT.max }]);
  });

  it('keeps neither the address nor a hash of it in the counter, lets other addresses book, and opens the next day', async () => {
    const { practice, slots } = await practiceWithSlots(4);
    await awayFromWindowEdge();
    const email = `${unique('daily')}@example.com`;
    const bookAs = (i: number, address: string) => book(practice.slug, { typeId: slots[i]?.typeId ?? '', start: slots[i]?.start ?? '', email: address });
    expect((await bookAs(0, email)).status).toBe(201);
    const clientId = await clientIdOf(practice.practiceId, email);
    const day = windowStartOf(CLIENT_LIMIT, Date.now());
    expect(await env.DB.prepare('SELECT * FROM client_booking_windows WHERE client_id = ?').bind(clientId).first()).toEqual({
      client_id: clientId,
      window_start: day,
      bookings: 1,
    });

    await env.DB.prepare('UPDATE client_booking_windows SET bookings = ? WHERE client_id = ?').bind(CLIENT_LIMIT.max, clientId).run();
    expect((await bookAs(1, email)).status).toBe(429);
    expect((await bookAs(1, `${unique('other')}@example.com`)).status).toBe(201);

    // As if the day had passed.
    await env.DB.prepare('UPDATE client_booking_windows SET window_start = ? WHERE client_id = ?').bind(day - DAY_MS, clientId).run();
    expect((await bookAs(2, email)).status).toBe(201);
    await purgeExpired(await testDeps());
    expect(await counter('client_booking_windows', clientId)).toEqual([{ window_start: day, bookings: 1 }]);
  });
});
