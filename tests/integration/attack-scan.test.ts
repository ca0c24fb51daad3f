import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../workers/lib/crypto';
import { bookedClient, createClient, dpoAct, joinCall, latestRequestId, MARKED_HEADERS, MarkedClient, MARKERS, type Practice, requestRights, videoCallSoon } from './attack-support';
import { socketRequest } from './call-room-support';
import { asDpo, linkTokenFor, mailTo, manageTokenFor, openWeekdays, signUpInput, tableNames, typesOf, unique } from './harness';

// Data minimisation (Art. 5(1)(c) GDPR): the app is exercised with every header that carries a network address, a
// user agent or a location, each holding a unique marker, and afterwards no column of any table may hold a marker,
// in clear or as a SHA-256. Storage is isolated per test file, so the exercise and the scan share this file.

async function expectStatus(response: Promise<Response>, status: number, what: string) {
  const answer = await response;
  expect(answer.status, what).toBe(status);
  return answer;
}

/** Sign-up, sign-in (failed and successful), password reset, clients, bookings, the manage link. */
async function exerciseAccountsAndBookings() {
  const input = signUpInput();
  const therapist = new MarkedClient();
  await expectStatus(therapist.json('/api/auth/signup', input), 202, 'sign-up');
  const confirmation = await linkTokenFor(String(input.email), '/confirm-email');
  const confirmed = await expectStatus(therapist.json('/api/auth/confirm-email', { token: confirmation }), 200, 'address confirmed');
  therapist.csrfToken = (await confirmed.json<{ csrfToken: string }>()).csrfToken;
  const created = await env.DB.prepare('SELECT id FROM practices WHERE slug = ?').bind(input.slug).first<{ id: string }>();
  if (!created) throw new Error('the practice of the confirmed sign-up is missing');
  await expectStatus(new MarkedClient().json('/api/auth/login', { email: input.email, password: 'not the password at all' }), 401, 'failed sign-in');
  await expectStatus(new MarkedClient().form('/login', { email: String(input.email), password: 'still not the password' }), 401, 'failed page sign-in');
  const again = new MarkedClient();
  const login = await expectStatus(again.json('/api/auth/login', { email: input.email, password: input.password }), 200, 'sign-in');
  again.csrfToken = (await login.json<{ csrfToken: string }>()).csrfToken;
  await expectStatus(new MarkedClient().json('/api/auth/password-reset', { email: input.email }), 202, 'password reset');

  await openWeekdays(created.id);
  const types = await typesOf(created.id);
  const video = types.find((t) => t.mode === 'video');
  const inPerson = types.find((t) => t.mode === 'in_person');
  if (!video || !inPerson) throw new Error('default appointment types missing');
  const practice: Practice = { client: again, email: String(input.email), password: String(input.password), slug: String(input.slug), practiceId: created.id, video, inPerson };
  const booked = await bookedClient(practice, 'Scan Client', MARKED_HEADERS);
  const token = await manageTokenFor(booked.email);
  const visitor = new MarkedClient();
  await expectStatus(visitor.fetch(`/b/${token}`), 200, 'manage page');
  await expectStatus(visitor.form(`/b/${token}/withdraw`, { scope: 'reminders' }), 200, 'withdrawal');
  await expectStatus(visitor.fetch(`/book/${practice.slug}`), 200, 'booking page');
  return { practice, booked };
}

/** A video call: both sides join, the client's socket opens, both report metrics. */
async function exerciseCall(practice: Practice) {
  const clientId = await createClient(practice, 'Scan Video Client');
  const { appointmentId, code } = await videoCallSoon(practice, clientId);
  const therapistPass = await joinCall(appointmentId, {}, practice.client, MARKED_HEADERS);
  const clientPass = await joinCall(appointmentId, { name: 'Scan Caller', code }, new MarkedClient());
  const socket = await new MarkedClient().fetch(`/api/calls/${appointmentId}/ws`, socketRequest(clientPass.token, { name: 'Scan Caller' }));
  expect(socket.status).toBe(101);
  socket.webSocket?.accept();
  socket.webSocket?.close(1000, 'done');
  for (const pass of [therapistPass, clientPass]) {
    const body = { token: pass.reportToken, event: 'left', connectedMs: 60_000, quality: { rttMs: 30, lossPct: 0, kbps: 800, relayed: false } };
    await expectStatus(new MarkedClient().json(`/api/calls/${appointmentId}/report`, body), 204, 'call report');
  }
  return clientId;
}

/** A rights request through the portal and the API, its verification, and the access package's download. */
async function exerciseRightsAndExports(practice: Practice, email: string, clientId: string) {
  const portal = new MarkedClient();
  await expectStatus(portal.form('/rights', { practice: practice.slug, types: 'objection', email: `${unique('portal')}@example.com` }), 303, 'portal form');
  const token = await requestRights(practice, email, ['access'], 'Please send everything', MARKED_HEADERS);
  await expectStatus(new MarkedClient().fetch(`/rights/verify/${token}`), 200, 'verification page');
  await expectStatus(new MarkedClient().form(`/rights/verify/${token}`, {}), 200, 'verification');
  const dpo = await asDpo();
  const id = await latestRequestId(email);
  await dpoAct(dpo, id, 'start');
  await dpoAct(dpo, id, 'download-link', { format: 'json' });
  const link = /\/rights\/download\/([\w-]{43})/.exec((await mailTo(email, /\/rights\/download\//)).text)?.[1];
  await expectStatus(new MarkedClient().fetch(`/rights/download/${link}`), 200, 'download page');
  await expectStatus(new MarkedClient().form(`/rights/download/${link}`, {}), 200, 'download');
  await expectStatus(practice.client.fetch('/api/export'), 200, 'practice export');
  await expectStatus(practice.client.fetch(`/api/clients/${clientId}/export?format=fhir`), 200, 'client export');
  await expectStatus(practice.client.fetch('/dashboard/export'), 200, 'export page');
}

/** Every text the database holds, as "table.column" with its value; blobs are read as UTF-8. */
async function everyValue(): Promise<{ where: string; text: string }[]> {
  const values: { where: string; text: string }[] = [];
  for (const table of await tableNames()) {
    const rows = await env.DB.prepare(`SELECT * FROM "${table}"`).all<Record<string, unknown>>();
    for (const row of rows.results) {
      for (const [column, value] of Object.entries(row)) {
        if (value === null || value === undefined) continue;
        const text = value instanceof ArrayBuffer ? new TextDecoder().decode(value) : String(value);
        values.push({ where: `${table}.${column}`, text: text.toLowerCase() });
      }
    }
  }
  return values;
}

let scanned: { where: string; text: string }[];
let therapistEmail: string;

beforeAll(async () => {
  const { practice, booked } = await exerciseAccountsAndBookings();
  const clientId = await exerciseCall(practice);
  await exerciseRightsAndExports(practice, booked.email, clientId);
  therapistEmail = practice.email;
  scanned = await everyValue();
}, 120_000);

describe('scanning every column of every table after requests with address, agent and location headers', () => {
  it('reads every table, and finds what the requests did store (the therapist’s address in users)', async () => {
    expect((await tableNames()).length).toBeGreaterThanOrEqual(20);
    expect(scanned.some((v) => v.where === 'users.email' && v.text === therapistEmail.toLowerCase())).toBe(true);
    expect(scanned.some((v) => v.where.startsWith('call_metrics.'))).toBe(true);
    expect(scanned.some((v) => v.where.startsWith('download_links.'))).toBe(true);
  });

  it.each(MARKERS.map((marker) => [marker] as const))('holds no trace of %s', (marker) => {
    expect(scanned.filter((v) => v.text.includes(marker.toLowerCase())).map((v) => v.where)).toEqual([]);
  });

  it('holds no SHA-256 of any address, agent or location either', async () => {
    const digests = await Promise.all([...MARKERS, ...Object.values(MARKED_HEADERS)].map((value) => sha256Hex(value)));
    expect(scanned.filter((v) => digests.some((digest) => v.text.includes(digest))).map((v) => v.where)).toEqual([]);
  });
});
