import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { purgeExpired } from '../../workers/services/retention';
import { signUpTherapist, testDeps } from './harness';

const DAY = 86_400_000;
const YEAR = 365 * DAY;

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
    expect(await purgeExpired(deps)).toEqual({ downloadLinks: 2, unverifiedRightsRequests: 1, completedRightsRequests: 1, incidents: 1 });
    expect(await purgeExpired(deps)).toEqual({ downloadLinks: 0, unverifiedRightsRequests: 0, completedRightsRequests: 0, incidents: 0 });

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
});
