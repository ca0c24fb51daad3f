import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { runMaintenance } from '../../workers/services/maintenance';
import { ACCESS_CODE_ATTEMPTS_PER_WINDOW, ACCESS_CODE_WINDOW_MS } from '../../workers/domain/access-code';
import { sha256Hex } from '../../workers/lib/crypto';
import { createClient, videoCallSoon as videoCallFor } from './attack-support';
import { socketRequest, videoCallSoon } from './call-room-support';
import { bookablePractice, Client, mailTo, request, signUpTherapist, testDeps } from './harness';

/** A video call soon for a client with an email address on file. */
async function videoCallSoonWithEmail() {
  const practice = await bookablePractice();
  const email = `${crypto.randomUUID()}@example.com`;
  const call = await videoCallFor(practice, await createClient(practice, 'Mail Client', email));
  return { practice, email, ...call };
}

function join(appointmentId: string, body: unknown, client = new Client()) {
  return client.json(`/api/calls/${appointmentId}/join`, body);
}

describe('joining a call', () => {
  it('lets the client in with name and access code in any case and grouping, and refuses a wrong code with 401', async () => {
    const { appointmentId, code } = await videoCallSoon();
    const wrong = await join(appointmentId, { name: 'K.', code: 'AAA-AAA-AAA' });
    expect(wrong.status).toBe(401);
    expect((await wrong.json<{ error: { fields: Record<string, string[]> } }>()).error.fields.code).toBeDefined();
    const right = await join(appointmentId, { name: 'K.', code: code.toLowerCase().replaceAll('-', ' ') });
    expect(right.status).toBe(200);
    const pass = await right.json<{ token: string; reportToken: string; role: string; iceServers: unknown[] }>();
    expect(pass.role).toBe('client');
    expect(pass.iceServers).toEqual([]);
  });

  it('never lets a stranger’s wrong codes, 60 of them at once, keep the client out for longer than one window', async () => {
    const { appointmentId, code } = await videoCallSoon();
    const statuses = await Promise.all(Array.from({ length: 60 }, () => join(appointmentId, { name: 'Stranger', code: 'AAA-AAA-AAA' }).then((r) => r.status)));
    // Decided in one conditional UPDATE: exactly one window's worth of guesses were checked, the rest refused unchecked.
    expect(statuses.filter((status) => status === 401)).toHaveLength(ACCESS_CODE_ATTEMPTS_PER_WINDOW);
    expect(statuses.filter((status) => status === 429)).toHaveLength(60 - ACCESS_CODE_ATTEMPTS_PER_WINDOW);
    expect((await join(appointmentId, { name: 'K.', code })).status).toBe(429);
    // One window later (the clock moved by ACCESS_CODE_WINDOW_MS) the client's right code works, with no lock left.
    await env.DB.prepare('UPDATE appointments SET access_code_window_start = access_code_window_start - ? WHERE id = ?').bind(ACCESS_CODE_WINDOW_MS, appointmentId).run();
    expect((await join(appointmentId, { name: 'K.', code })).status).toBe(200);
    // Many more rounds of guessing (what used to lock the code for good) still leave the client one window away.
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < ACCESS_CODE_ATTEMPTS_PER_WINDOW + 2; i++) await join(appointmentId, { name: 'Stranger', code: 'BBB-BBB-BBB' });
      await env.DB.prepare('UPDATE appointments SET access_code_window_start = access_code_window_start - ? WHERE id = ?').bind(ACCESS_CODE_WINDOW_MS, appointmentId).run();
    }
    expect((await join(appointmentId, { name: 'K.', code })).status).toBe(200);
  });

  it('gives a right code its attempt back, so the client joining again and again is never slowed', async () => {
    const { appointmentId, code } = await videoCallSoon();
    for (let i = 0; i < ACCESS_CODE_ATTEMPTS_PER_WINDOW * 2; i++) expect((await join(appointmentId, { name: 'K.', code })).status).toBe(200);
  });

  it('stores the code as a salted keyed hash and rewrites a code stored the old way when it is used', async () => {
    const { appointmentId, code } = await videoCallSoon();
    const stored = await env.DB.prepare('SELECT access_code_hash AS h FROM appointments WHERE id = ?').bind(appointmentId).first<string>('h');
    expect(stored).toMatch(/^hmac1\$/);
    const legacy = await sha256Hex(`token:${code.replaceAll('-', '')}`);
    await env.DB.prepare('UPDATE appointments SET access_code_hash = ? WHERE id = ?').bind(legacy, appointmentId).run();
    expect((await join(appointmentId, { name: 'K.', code })).status).toBe(200);
    const rewritten = await env.DB.prepare('SELECT access_code_hash AS h FROM appointments WHERE id = ?').bind(appointmentId).first<string>('h');
    expect(rewritten).toMatch(/^hmac1\$/);
    expect((await join(appointmentId, { name: 'K.', code })).status).toBe(200);
  });

  it('refuses a name with a line break or 100 KB of name with a 4xx, never a 5xx', async () => {
    const { appointmentId, code } = await videoCallSoon();
    expect((await join(appointmentId, { name: 'Kim\nMeyer', code })).status).toBe(422);
    expect((await join(appointmentId, { name: 'Kim\r\nX-Injected: 1', code })).status).toBe(422);
    const huge = await join(appointmentId, { name: 'K'.repeat(100_000), code });
    expect([413, 422]).toContain(huge.status);
    const { token } = await (await join(appointmentId, { name: 'K.', code })).json<{ token: string }>();
    const socket = (name: string) => request(`/api/calls/${appointmentId}/ws`, socketRequest(token, { name }));
    expect((await socket('Kim\nMeyer')).status).toBe(400);
    expect((await socket('K'.repeat(100_000))).status).toBeLessThan(500);
    expect((await socket('K'.repeat(100_000))).status).toBeGreaterThanOrEqual(400);
  });

  it('lets the practice’s therapist join without a code and refuses another practice’s therapist with 404', async () => {
    const { practice, appointmentId } = await videoCallSoon();
    const own = await join(appointmentId, {}, practice.client);
    expect(own.status).toBe(200);
    expect((await own.json<{ role: string }>()).role).toBe('therapist');
    const stranger = await signUpTherapist();
    expect((await join(appointmentId, {}, stranger.client)).status).toBe(404);
    expect((await request(`/call/${crypto.randomUUID()}`)).status).toBe(404);
  });

  it('refuses a call that has not opened yet, bad input, and any call for an in-person appointment', async () => {
    const practice = await bookablePractice();
    const created = await practice.client.json('/api/clients', { displayName: 'Later' });
    const clientId = (await created.json<{ client: { id: string } }>()).client.id;
    const date = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const html = await (await practice.client.form('/dashboard/appointments', { clientId, typeId: practice.video.id, date, time: '10:00' })).text();
    const appointmentId = /\/call\/([0-9a-f-]{36})/.exec(html)?.[1] ?? '';
    const code = /([A-Z2-9]{3}-[A-Z2-9]{3}-[A-Z2-9]{3})/.exec(html)?.[1] ?? '';
    expect((await join(appointmentId, { name: 'A', code })).status).toBe(409);
    expect((await join(appointmentId, { name: '', code: '' })).status).toBe(422);
    await practice.client.form('/dashboard/appointments', { clientId, typeId: practice.inPerson.id, date, time: '14:00' });
    const inPerson = await env.DB.prepare('SELECT id FROM appointments WHERE type_id = ?').bind(practice.inPerson.id).first<string>('id');
    expect((await request(`/call/${inPerson}`)).status).toBe(404);
    expect((await join(String(inPerson), { name: 'A', code })).status).toBe(404);
  });

  it('refuses to open the room socket with a forged, wrong-room, report, replayed or URL-borne token', async () => {
    const { appointmentId, code } = await videoCallSoon();
    const pass = await (await join(appointmentId, { name: 'K.', code })).json<{ token: string; reportToken: string }>();
    const upgrade = (token: string, room = appointmentId) => request(`/api/calls/${room}/ws`, socketRequest(token, { name: 'K.' }));
    expect((await upgrade(`${pass.token.split('.')[0]}.AAAA`)).status).toBe(401);
    expect((await upgrade(pass.reportToken)).status).toBe(401);
    expect((await upgrade(pass.token, crypto.randomUUID())).status).toBe(401);
    // The old way, the token in the URL (where request logs keep it), opens nothing.
    expect((await request(`/api/calls/${appointmentId}/ws?token=${encodeURIComponent(pass.token)}`, { headers: { upgrade: 'websocket' } })).status).toBe(401);
    const opened = await upgrade(pass.token);
    expect(opened.status).toBe(101);
    expect(opened.headers.get('sec-websocket-protocol')).toBe('praxisraum.v1');
    opened.webSocket?.accept();
    // The same token again, within its two minutes: refused, whatever seat or name it would bring.
    const replayed = await upgrade(pass.token);
    expect(replayed.status).toBe(409);
    expect(await replayed.json()).toMatchObject({ error: { code: 'TOKEN_USED' } });
    opened.webSocket?.close(1000, 'done');
  });
});

describe('a new access code', () => {
  it('is issued by the practice’s therapist once, stops the old code at once and reaches the client by email', async () => {
    const { practice, appointmentId, code, email } = await videoCallSoonWithEmail();
    const issued = await practice.client.json(`/api/appointments/${appointmentId}/access-code`, {});
    expect(issued.status).toBe(200);
    const body = await issued.json<{ accessCode: string; emailed: boolean; callUrl: string }>();
    expect(body.accessCode).toMatch(/^[A-Z2-9]{3}-[A-Z2-9]{3}-[A-Z2-9]{3}$/);
    expect(body.emailed).toBe(true);
    expect((await join(appointmentId, { name: 'K.', code })).status).toBe(401);
    expect((await join(appointmentId, { name: 'K.', code: body.accessCode })).status).toBe(200);
    const mail = await mailTo(email, new RegExp(body.accessCode));
    expect(mail.subject).not.toContain(practice.slug);
    expect(mail.text).not.toContain(code);
    const audit = await env.DB.prepare("SELECT actor_user_id AS actor FROM audit_events WHERE action = 'appointment.access_code_reissued' AND target_id = ?").bind(appointmentId).first<string>('actor');
    expect(audit).toBeTruthy();
  });

  it('is shown once on the dashboard with a copy button, and another practice’s therapist finds nothing', async () => {
    const { practice, appointmentId } = await videoCallSoon();
    const page = await practice.client.form(`/dashboard/appointments/${appointmentId}/access-code`, {});
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toMatch(/id="new-access-code">[A-Z2-9]{3}-[A-Z2-9]{3}-[A-Z2-9]{3}</);
    expect(html).toContain('data-copy="new-access-code"');
    const stranger = await signUpTherapist();
    expect((await stranger.client.json(`/api/appointments/${appointmentId}/access-code`, {})).status).toBe(404);
    expect((await new Client().json(`/api/appointments/${appointmentId}/access-code`, {})).status).toBe(401);
  });
});

describe('call metadata', () => {
  it('keeps times and coarse quality only, shows nothing else, and is purged after 90 days', async () => {
    const { practice, appointmentId, code } = await videoCallSoon();
    const pass = await (await join(appointmentId, { name: 'Secret Name', code })).json<{ reportToken: string }>();
    const report = (body: Record<string, unknown>) =>
      request(`/api/calls/${appointmentId}/report`, { method: 'POST', headers: { 'content-type': 'application/json', 'cf-connecting-ip': '198.51.100.9' }, body: JSON.stringify({ token: pass.reportToken, ...body }) });
    expect((await report({ event: 'connected' })).status).toBe(204);
    expect((await report({ event: 'left', connectedMs: 1_234_000, quality: { rttMs: 40, lossPct: 0.5, kbps: 900, relayed: false } })).status).toBe(204);
    expect((await report({ event: 'left', quality: { ip: '1.2.3.4' } })).status).toBe(422);
    expect((await report({ event: 'connected', token: 'x'.repeat(40) })).status).toBe(401);
    const row = await env.DB.prepare('SELECT * FROM call_metrics WHERE appointment_id = ?').bind(appointmentId).first<Record<string, unknown>>();
    expect(row?.connected_ms).toBe(1_234_000);
    expect(row?.connected_at).toBeGreaterThan(0);
    const agenda = await (await practice.client.fetch('/dashboard/appointments')).text();
    expect(agenda).toContain('21 min');
    const dump = JSON.stringify(row);
    expect(dump).not.toContain('Secret Name');
    expect(dump).not.toContain('198.51.100.9');
    await env.DB.prepare('UPDATE call_metrics SET created_at = ? WHERE appointment_id = ?').bind(Date.now() - 91 * 86_400_000, appointmentId).run();
    await runMaintenance(await testDeps());
    expect(await env.DB.prepare('SELECT count(*) AS n FROM call_metrics WHERE appointment_id = ?').bind(appointmentId).first('n')).toBe(0);
  });
});
