import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { CLIENT_LIMIT, PRACTICE_LIMIT, windowStartOf } from '../../workers/domain/booking-limits';
import { purgeExpired } from '../../workers/services/retention';
import { signUpTherapist, testDeps } from './harness';

const DAY = 86_400_000;
const YEAR = 365 * DAY;
const HOUR = 3_600_000;

async function rightsRequest(practiceId: string, status: string, createdAt: number, completedAt: number | null = null): Promise<string> {
  const id = crypto.randomUUID();
  await env.DB.prepare(
    `INSERT INTO rights_requests (id, practice_id, types, email, locale, status, received_at, due_at, completed_at, created_at)
     VALUES (?, ?, '["access"]', 'subject@example.com', 'de', ?, ?, ?, ?, ?)`,
  )
    .bind(id, practiceId, status, createdAt, createdAt + 30 * DAY, completedAt, createdAt)
    .run();
  return id;
}

async function downloadLink(requestId: string, expiresAt: number, usedAt: number | null): Promise<string> {
  const id = crypto.randomUUID();
  await env.DB.prepare("INSERT INTO download_links (id, request_id, token_hash, format, expires_at, used_at, created_at) VALUES (?, ?, ?, 'json', ?, ?, ?)")
    .bind(id, requestId, crypto.randomUUID(), expiresAt, usedAt, expiresAt - DAY)
    .run();
  return id;
}

async function incident(createdAt: number, practiceId: string): Promise<string> {
  const id = crypto.randomUUID();
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO incidents (id, aware_at, nature, data_categories, subject_categories, approx_subjects, approx_records, consequences, measures, contact, scope, high_risk, created_at)
       VALUES (?, ?, 'n', '["contact"]', '["clients"]', 1, 1, 'c', 'm', 'dpo@example.com', '{"kind":"all"}', 0, ?)`,
    ).bind(id, createdAt, createdAt),
    env.DB.prepare("INSERT INTO incident_updates (id, incident_id, at, text) VALUES (?, ?, ?, 'u')").bind(crypto.randomUUID(), id, createdAt + DAY),
    env.DB.prepare("INSERT INTO incident_notices (id, incident_id, practice_id, kind, update_id, sent_at, created_at) VALUES (?, ?, ?, 'practice', '', ?, ?)").bind(
      crypto.randomUUID(),
      id,
      practiceId,
      createdAt,
      createdAt,
    ),
  ]);
  return id;
}

async function exists(table: string, id: string): Promise<boolean> {
  return (await env.DB.prepare(`SELECT 1 AS x FROM ${table} WHERE id = ?`).bind(id).first('x')) === 1;
}

describe('retention purge', () => {
  it('deletes exactly what outlived its period, reports the counts, and deletes nothing on a second run', async () => {
    const now = Date.now();
    const { practiceId } = await signUpTherapist();
    const unverifiedOld = await rightsRequest(practiceId, 'awaiting_verification', now - 8 * DAY);
    const unverifiedRecent = await rightsRequest(practiceId, 'awaiting_verification', now - 6 * DAY);
    const verifiedOld = await rightsRequest(practiceId, 'verified', now - 40 * DAY);
    const completedLongAgo = await rightsRequest(practiceId, 'completed', now - 4 * YEAR, now - 3 * YEAR - 30 * DAY);
    const completedRecently = await rightsRequest(practiceId, 'completed', now - 2 * YEAR, now - 2 * YEAR + 10 * DAY);
    const used = await downloadLink(completedRecently, now + DAY, now - DAY);
    const expired = await downloadLink(completedRecently, now - 1, null);
    const valid = await downloadLink(completedRecently, now + DAY, null);
    const oldIncident = await incident(now - 5 * YEAR - 10 * DAY, practiceId);
    const recentIncident = await incident(now - 4 * YEAR, practiceId);

    const deps = { ...(await testDeps()), now: () => now };
    const nothingElse = { practiceBookingWindows: 0, clientBookingWindows: 0, bookingHolds: 0 };
    expect(await purgeExpired(deps)).toEqual({ downloadLinks: 2, unverifiedRightsRequests: 1, completedRightsRequests: 1, incidents: 1, ...nothingElse });
    expect(await purgeExpired(deps)).toEqual({ downloadLinks: 0, unverifiedRightsRequests: 0, completedRightsRequests: 0, incidents: 0, ...nothingElse });

    for (const id of [unverifiedOld, completedLongAgo]) expect(await exists('rights_requests', id)).toBe(false);
    for (const id of [unverifiedRecent, verifiedOld, completedRecently]) expect(await exists('rights_requests', id)).toBe(true);
    for (const id of [used, expired]) expect(await exists('download_links', id)).toBe(false);
    expect(await exists('download_links', valid)).toBe(true);
    expect(await exists('incidents', oldIncident)).toBe(false);
    expect(await exists('incidents', recentIncident)).toBe(true);
    // The register's updates and notices go with their incident.
    const orphans = await env.DB.prepare('SELECT (SELECT count(*) FROM incident_updates WHERE incident_id = ?) + (SELECT count(*) FROM incident_notices WHERE incident_id = ?) AS n')
      .bind(oldIncident, oldIncident)
      .first('n');
    expect(orphans).toBe(0);
  });

  it('deletes the booking counters of hours and days that have passed and keeps the current ones', async () => {
    const { practiceId } = await signUpTherapist();
    const clientId = crypto.randomUUID();
    await env.DB.prepare("INSERT INTO clients (id, practice_id, display_name, email, created_at) VALUES (?, ?, 'K. M.', ?, ?)").bind(clientId, practiceId, `${clientId}@example.com`, Date.now()).run();
    // One millisecond into an hour: the hours and the day before it have ended, the current hour and day have not.
    const now = windowStartOf(CLIENT_LIMIT, Date.now()) - HOUR + 1;
    const hour = windowStartOf(PRACTICE_LIMIT, now);
    const day = windowStartOf(CLIENT_LIMIT, now);
    await env.DB.batch([
      ...[hour - 2 * HOUR, hour - HOUR, hour, hour + HOUR].map((start) =>
        env.DB.prepare('INSERT INTO practice_booking_windows (practice_id, window_start, bookings) VALUES (?, ?, 1)').bind(practiceId, start),
      ),
      ...[day - DAY, day].map((start) => env.DB.prepare('INSERT INTO client_booking_windows (client_id, window_start, bookings) VALUES (?, ?, 1)').bind(clientId, start)),
    ]);

    const deps = { ...(await testDeps()), now: () => now };
    expect(await purgeExpired(deps)).toMatchObject({ practiceBookingWindows: 2, clientBookingWindows: 1 });
    expect(await purgeExpired(deps)).toMatchObject({ practiceBookingWindows: 0, clientBookingWindows: 0 });

    const starts = (table: string) => env.DB.prepare(`SELECT window_start AS s FROM ${table} ORDER BY window_start`).all<{ s: number }>();
    expect((await starts('practice_booking_windows')).results.map((r) => r.s)).toEqual([hour, hour + HOUR]);
    expect((await starts('client_booking_windows')).results.map((r) => r.s)).toEqual([day]);
  });
});
