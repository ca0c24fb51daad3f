import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { runMaintenance } from '../../workers/services/maintenance';
import { MAX_ACCESS_CODE_FAILURES } from '../../workers/services/calls';
import { videoCallSoon } from './call-room-support';
import { bookablePractice, Client, request, signUpTherapist, testDeps } from './harness';

function join(appointmentId: string, body: unknown, client = new Client()) {
  return client.json(`/api/calls/${appointmentId}/join`, body);
}

describe('joining a call', () => {
  it('lets the client in with name and access code, counting wrong codes and stopping after five', async () => {
    const { appointmentId, code } = await videoCallSoon();
    const wrong = await join(appointmentId, { name: 'K.', code: 'AAA-AAA-AAA' });
    expect(wrong.status).toBe(401);
    expect((await wrong.json<{ error: { fields: Record<string, string[]> } }>()).error.fields.code).toBeDefined();
    const right = await join(appointmentId, { name: 'K.', code: code.toLowerCase().replaceAll('-', ' ') });
    expect(right.status).toBe(200);
    const pass = await right.json<{ token: string; reportToken: string; role: string; iceServers: unknown[] }>();
    expect(pass.role).toBe('client');
    expect(pass.iceServers).toEqual([]);
    for (let i = 1; i < MAX_ACCESS_CODE_FAILURES; i++) await join(appointmentId, { name: 'K.', code: 'AAA-AAA-AAA' });
    expect((await join(appointmentId, { name: 'K.', code })).status).toBe(429);
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

  it('refuses to open the room socket with a forged, wrong-room or report token', async () => {
    const { appointmentId, code } = await videoCallSoon();
    const pass = await (await join(appointmentId, { name: 'K.', code })).json<{ token: string; reportToken: string }>();
    const upgrade = (token: string, room = appointmentId) => request(`/api/calls/${room}/ws?token=${encodeURIComponent(token)}`, { headers: { upgrade: 'websocket' } });
    expect((await upgrade(`${pass.token.split('.')[0]}.AAAA`)).status).toBe(401);
    expect((await upgrade(pass.reportToken)).status).toBe(401);
    expect((await upgrade(pass.token, crypto.randomUUID())).status).toBe(401);
    const opened = await upgrade(pass.token);
    expect(opened.status).toBe(101);
    opened.webSocket?.accept();
    opened.webSocket?.close(1000, 'done');
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
