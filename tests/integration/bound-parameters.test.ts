import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { addIncidentUpdate, createIncident, notifyAffectedPractices } from '../../workers/services/incidents';
import { asDpo, countRows, outbox, signUpTherapist, testDeps, typesOf, unique } from './harness';

// D1 refuses a statement with more than 100 bound parameters. Every listing below is filled with 1,000 rows, written
// set-wise by one recursive INSERT … SELECT each (not 1,000 requests), and must still answer.

const ROWS = 1000;
const MONDAY = '2027-03-01';
/** listClients shows at most this many; the search finds the others. */
const CLIENTS_SHOWN = 500;
const numbers = (count: number) => `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${count - 1})`;

async function clientOf(practiceId: string, name: string): Promise<string> {
  const id = unique('client');
  await env.DB.prepare('INSERT INTO clients (id, practice_id, display_name, email, created_at) VALUES (?, ?, ?, NULL, ?)').bind(id, practiceId, name, Date.now()).run();
  return id;
}

describe('listings with 1,000 rows', () => {
  it('shows the practice its newest rights requests with their trails when 1,000 were made', async () => {
    const practice = await signUpTherapist();
    const tag = unique('req');
    const now = Date.now();
    await env.DB.prepare(
      `INSERT INTO rights_requests (id, practice_id, email, types, status, locale, received_at, due_at, created_at)
       ${numbers(ROWS)} SELECT ?1 || i, ?2, ?1 || i || '@example.com', '["access"]', 'verified', 'de', ?3 - i * 1000, ?3 + 86400000, ?3 FROM n`,
    )
      .bind(tag, practice.practiceId, now)
      .run();
    await env.DB.prepare(
      `INSERT INTO rights_request_events (id, request_id, at, actor, action) ${numbers(2 * ROWS)} SELECT ?1 || 'e' || i, ?1 || (i % ${ROWS}), ?2, 'system', CASE WHEN i < ${ROWS} THEN 'request.received' ELSE 'request.verified' END FROM n`,
    )
      .bind(tag, now)
      .run();
    const response = await practice.client.fetch('/dashboard/requests');
    expect(response.status).toBe(200);
    const html = await response.text();
    // The 200 newest requests are shown, each with its own trail of two entries.
    const sections = html.split(/<section id="request-/).slice(1);
    expect(sections).toHaveLength(200);
    expect(sections[0]).toContain(`data-request="${tag}0"`);
    for (const section of sections) {
      expect(section).toContain('data-action="request.received"');
      expect(section).toContain('data-action="request.verified"');
    }
  });

  it('shows a week of 1,000 appointments with their call durations on the agenda', async () => {
    const practice = await signUpTherapist();
    const name = unique('Wochenklient');
    const clientId = await clientOf(practice.practiceId, name);
    const [type] = await typesOf(practice.practiceId);
    if (!type) throw new Error('no type');
    const tag = unique('appt');
    const start = Date.parse(`${MONDAY}T06:00:00Z`);
    await env.DB.prepare(
      `INSERT INTO appointments (id, practice_id, client_id, type_id, start_at, end_at, status, manage_token_hash, created_at)
       ${numbers(ROWS)} SELECT ?1 || i, ?2, ?3, ?4, ?5 + i * 540000, ?5 + i * 540000 + 1800000, 'completed', ?1 || 'h' || i, ?5 FROM n`,
    )
      .bind(tag, practice.practiceId, clientId, type.id, start)
      .run();
    await env.DB.prepare(
      `INSERT INTO call_metrics (id, practice_id, appointment_id, connected_ms, created_at) ${numbers(ROWS)} SELECT ?1 || 'm' || i, ?2, ?1 || i, 3000000, ?3 FROM n`,
    )
      .bind(tag, practice.practiceId, start)
      .run();
    const response = await practice.client.fetch(`/dashboard/appointments?view=week&date=${MONDAY}`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html.split(name).length - 1).toBeGreaterThanOrEqual(ROWS);
    expect(html.split('50 min').length - 1).toBeGreaterThanOrEqual(ROWS);
  });

  it('lists the first 500 of 1,000 clients on the page, in the API and in the agenda’s client choice (search finds the rest)', async () => {
    const practice = await signUpTherapist();
    const tag = unique('Klient');
    await env.DB.prepare(`INSERT INTO clients (id, practice_id, display_name, email, created_at) ${numbers(ROWS)} SELECT ?1 || i, ?2, ?1 || ' ' || i, ?1 || i || '@example.com', ?3 FROM n`)
      .bind(tag, practice.practiceId, Date.now())
      .run();
    const api = await practice.client.fetch('/api/clients');
    expect(api.status).toBe(200);
    expect((await api.json<{ clients: unknown[] }>()).clients).toHaveLength(CLIENTS_SHOWN);
    for (const path of ['/dashboard/clients', '/dashboard/appointments']) {
      const page = await practice.client.fetch(path);
      expect(page.status, path).toBe(200);
      expect((await page.text()).split(`${tag} `).length - 1, path).toBeGreaterThanOrEqual(CLIENTS_SHOWN);
    }
  });

  it('shows the DPO a queue of 1,000 open requests', async () => {
    const dpo = await asDpo();
    const practice = await signUpTherapist();
    const tag = unique('dporeq');
    const now = Date.now();
    await env.DB.prepare(
      `INSERT INTO rights_requests (id, practice_id, email, types, status, locale, received_at, due_at, created_at)
       ${numbers(ROWS)} SELECT ?1 || i, ?2, ?1 || i || '@example.com', '["erasure"]', 'in_progress', 'de', ?3, ?3 + i * 1000, ?3 FROM n`,
    )
      .bind(tag, practice.practiceId, now)
      .run();
    const response = await dpo.fetch('/dpo/requests');
    expect(response.status).toBe(200);
    expect((await response.text()).split(`data-request="${tag}`).length - 1).toBe(ROWS);
  });
});

describe('writes whose number of rows users choose', () => {
  it('saves eight opening ranges on every day of the week (56 rows)', async () => {
    const practice = await signUpTherapist();
    const fields: Record<string, string> = {};
    for (let day = 1; day <= 7; day++) {
      for (let i = 0; i < 8; i++) {
        fields[`day${day}_start${i}`] = `${String(8 + i).padStart(2, '0')}:00`;
        fields[`day${day}_end${i}`] = `${String(8 + i).padStart(2, '0')}:30`;
      }
    }
    const response = await practice.client.form('/dashboard/settings/hours', fields);
    expect(response.status).toBe(303);
    const saved = await env.DB.prepare('SELECT count(*) AS n FROM working_hours WHERE practice_id = ?').bind(practice.practiceId).first<{ n: number }>();
    expect(saved?.n).toBe(56);
  });

  it('books an eight-hour appointment with four-hour buffers by hand (192 slot claims)', async () => {
    const practice = await signUpTherapist();
    const [type] = await typesOf(practice.practiceId);
    if (!type) throw new Error('no type');
    await env.DB.prepare('UPDATE appointment_types SET duration_min = 480, buffer_before_min = 240, buffer_after_min = 240 WHERE id = ?').bind(type.id).run();
    const clientId = await clientOf(practice.practiceId, unique('Lang'));
    const response = await practice.client.form('/dashboard/appointments', { clientId, typeId: type.id, date: '2027-03-02', time: '09:00' });
    expect(response.status).toBe(200);
    const claims = await env.DB.prepare('SELECT count(*) AS n, min(bucket) AS first, max(bucket) AS last FROM appointment_slots WHERE practice_id = ?')
      .bind(practice.practiceId)
      .first<{ n: number; first: number; last: number }>();
    expect(claims?.n).toBe(192);
    expect((claims?.last ?? 0) - (claims?.first ?? 0)).toBe(191);
  });

  it('notifies a practice of an incident with 20 updates (21 notices claimed at once)', async () => {
    await asDpo();
    const practice = await signUpTherapist();
    const deps = await testDeps();
    const dpo = await env.DB.prepare("SELECT id FROM users WHERE role = 'dpo'").first<{ id: string }>();
    if (!dpo) throw new Error('no DPO');
    const actor = { kind: 'dpo' as const, userId: dpo.id };
    const id = await createIncident(
      deps,
      actor,
      {
        awareAt: Date.now() - 3_600_000,
        nature: 'An export link was reachable without sign-in',
        dataCategories: ['contact'],
        subjectCategories: ['clients'],
        approxSubjects: 1,
        approxRecords: 1,
        consequences: 'None known',
        measures: 'Link revoked',
        contact: 'dpo@example.com',
        scope: { kind: 'practices', slugs: [practice.slug] },
        highRisk: false,
      },
    );
    for (let i = 0; i < 20; i++) await addIncidentUpdate(deps, actor, id, `Update number ${i}`);
    const before = await countRows('incident_notices');
    expect(await notifyAffectedPractices(deps, actor, id)).toEqual({ sent: 1, skipped: 0, failed: 0 });
    expect((await countRows('incident_notices')) - before).toBe(21);
    expect((await outbox()).some((message) => message.to === practice.email)).toBe(true);
  });
});
