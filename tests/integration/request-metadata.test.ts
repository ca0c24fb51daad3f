import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RESEND_ENDPOINT } from '../../workers/services/mailer';
import { createClient, MARKED_HEADERS, markersIn, type Practice, settledFetch, videoCallSoon } from './attack-support';
import { socketRequest } from './call-room-support';
import { Client, freeSlots, openWeekdays, signUpInput, termsOf, typesOf, unique } from './harness';

// Data minimisation (Art. 5(1)(c) GDPR) beyond the database, which attack-scan.test.ts reads column by column: every
// request here carries a marked network address, user agent and location, and none of them may appear in a log line,
// in a request the Worker sends out (Resend, configured for real here), or in what the call room holds.

/** The Worker as deployed with mail: a Resend key, so mail leaves through `fetch` instead of the local outbox. */
const WITH_RESEND = { ...env, RESEND_API_KEY: 're_test_metadata_0123456789' };

const logged: string[] = [];
const outgoing: { url: string; headers: string; body: string }[] = [];
/** Set to make Resend refuse the next delivery, so the app writes its failure to the log. */
let refuseNextMail = false;

function marked(path: string, init: RequestInit & { json?: unknown }, jar = new Client()) {
  const headers = new Headers(init.headers);
  for (const [name, value] of Object.entries(MARKED_HEADERS)) headers.set(name, value);
  if (init.method && init.method !== 'GET') headers.set('sec-fetch-site', 'same-origin');
  if (init.json !== undefined) headers.set('content-type', 'application/json');
  if (jar.csrfToken) headers.set('x-csrf-token', jar.csrfToken);
  const body = init.json === undefined ? init.body : JSON.stringify(init.json);
  return settledFetch(path, { method: init.method ?? 'GET', headers, body }, jar, WITH_RESEND);
}

async function expectStatus(response: Promise<Response>, status: number, what: string) {
  expect((await response).status, what).toBe(status);
}

/** Sign-up, a failed and a good sign-in, a password reset: the account flows, each mailing or logging. */
async function exerciseAccounts(): Promise<Practice> {
  const input = signUpInput();
  const jar = new Client();
  await expectStatus(marked('/api/auth/signup', { method: 'POST', json: input }, jar), 202, 'sign-up');
  const token = outgoing.map((mail) => /confirm-email\?token=([\w-]+)/.exec(mail.body)?.[1]).find(Boolean) ?? '';
  const confirmed = await marked('/api/auth/confirm-email', { method: 'POST', json: { token } }, jar);
  expect(confirmed.status).toBe(200);
  jar.csrfToken = (await confirmed.json<{ csrfToken: string }>()).csrfToken;
  const practice = await env.DB.prepare('SELECT id FROM practices WHERE slug = ?').bind(input.slug).first<{ id: string }>();
  if (!practice) throw new Error('the practice of the confirmed sign-up is missing');
  await expectStatus(marked('/api/auth/login', { method: 'POST', json: { email: input.email, password: 'not the password' } }), 401, 'failed sign-in');
  await expectStatus(marked('/api/auth/password-reset', { method: 'POST', json: { email: input.email } }), 202, 'password reset');
  await openWeekdays(practice.id);
  const types = await typesOf(practice.id);
  const video = types.find((t) => t.mode === 'video');
  const inPerson = types.find((t) => t.mode === 'in_person');
  if (!video || !inPerson) throw new Error('default appointment types missing');
  return { client: jar, email: String(input.email), password: String(input.password), slug: String(input.slug), practiceId: practice.id, video, inPerson };
}

/** A public booking (its confirmation link, then the confirmation with .ics), then a rights request whose verification mail Resend refuses. */
async function exerciseBookingAndRights(practice: Practice) {
  const email = `${unique('metadata')}@example.com`;
  const [slot] = await freeSlots(practice.slug, practice.inPerson.id);
  const terms = await termsOf(practice.slug);
  const booking = { typeId: practice.inPerson.id, start: slot?.start ?? '', name: 'K. M.', email, termsVersion: terms.version, acceptTerms: true, consents: { reminders: true } };
  await expectStatus(marked(`/api/p/${practice.slug}/bookings`, { method: 'POST', json: booking }), 202, 'booking');
  const token = outgoing.map((sent) => (sent.body.includes(email) ? /\/hold\/([\w-]{43})/.exec(sent.body)?.[1] : undefined)).find(Boolean);
  await expectStatus(marked('/api/bookings/confirm', { method: 'POST', json: { token } }), 201, 'booking confirmation');
  refuseNextMail = true;
  await expectStatus(marked('/api/rights/requests', { method: 'POST', json: { practice: practice.slug, types: ['access'], email } }), 202, 'rights request');
}

/** Both sides join a video call through the Worker; the client's socket is open while the room is read. */
async function exerciseCall(practice: Practice) {
  const { appointmentId, code } = await videoCallSoon(practice, await createClient(practice, 'Metadata Caller'));
  await expectStatus(marked(`/api/calls/${appointmentId}/join`, { method: 'POST', json: {} }, practice.client), 200, 'therapist joins');
  const joined = await marked(`/api/calls/${appointmentId}/join`, { method: 'POST', json: { name: 'K. M.', code } });
  const { token } = await joined.json<{ token: string }>();
  const socket = await marked(`/api/calls/${appointmentId}/ws`, socketRequest(token, { name: 'K. M.' }));
  expect(socket.status).toBe(101);
  socket.webSocket?.accept();
  const room = await runInDurableObject(env.CALL_ROOM.get(env.CALL_ROOM.idFromName(appointmentId)), async (_instance, state) => ({
    sockets: state.getWebSockets().length,
    held: JSON.stringify({ attachments: state.getWebSockets().map((ws) => ws.deserializeAttachment()), storage: [...(await state.storage.list()).entries()] }),
  }));
  socket.webSocket?.close(1000, 'done');
  return room;
}

let room: { sockets: number; held: string };

beforeAll(async () => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void logged.push(args.map((arg) => (arg instanceof Error ? `${arg.name} ${arg.message} ${arg.stack}` : String(arg))).join(' ')));
  }
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    outgoing.push({ url: request.url, headers: JSON.stringify([...request.headers]), body: await request.text() });
    if (!refuseNextMail) return Response.json({ id: 'sent' });
    refuseNextMail = false;
    return new Response('unavailable', { status: 503 });
  });
  const practice = await exerciseAccounts();
  await exerciseBookingAndRights(practice);
  room = await exerciseCall(practice);
}, 120_000);

afterAll(() => vi.restoreAllMocks());

describe('request metadata (addresses, user agents, locations) beyond the database', () => {
  it('is in no log line, while the log did record the refused delivery', () => {
    expect(logged.some((line) => line.includes('rights email delivery failed'))).toBe(true);
    expect(logged.filter((line) => markersIn(line).length > 0)).toEqual([]);
  });

  it('is sent to no third party: every mail went to Resend without a marker in its address, headers or body', () => {
    expect(outgoing.length).toBeGreaterThanOrEqual(3);
    expect(outgoing.every((call) => call.url === RESEND_ENDPOINT)).toBe(true);
    expect(outgoing.some((call) => call.body.includes('BEGIN:VCALENDAR') || call.body.includes('text/calendar'))).toBe(true);
    expect(outgoing.flatMap((call) => markersIn(`${call.url} ${call.headers} ${call.body}`))).toEqual([]);
  });

  it('never reaches the call room: its sockets and storage hold no marker', () => {
    expect(room.sockets).toBeGreaterThanOrEqual(1);
    expect(room.held).toContain('participant');
    expect(markersIn(room.held)).toEqual([]);
  });
});
