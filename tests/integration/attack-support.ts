import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import { z } from 'zod';
import { createApp } from '../../workers/app';
import { ERROR_STATUS, errorBodySchema } from '../../workers/lib/errors';
import { csrfTokenFor, startSession } from '../../workers/services/sessions';
import { book, type bookablePractice, Client, freeSlots, ORIGIN, outbox, testDeps, unique } from './harness';

// Shared by the attack-*.test.ts files: the one error shape, and the few
// multi-step set-ups (a call about to start, a confirmed rights request) the attacks start from.

export type Practice = Awaited<ReturnType<typeof bookablePractice>>;
export const SESSION_COOKIE = '__Host-session';

// ------------------------------------------------------------------------------------------------ request metadata

const SUFFIX = unique('m').replace(/\W/g, '');
const IPV4 = '198.51.100.173';
const FORWARDED = '203.0.113.199';
const REAL_IP = '203.0.113.188';
const IPV6 = '2001:db8::5ca:173';
export const AGENT = `ScanMarkerAgent-${SUFFIX}`;
// Cloudflare sends a two-letter country code; a real one ("DE") also appears in consent receipts, so a marker it is.
const COUNTRY = `country-${SUFFIX}`;
const CITY = `city-${SUFFIX}`;

/** Every header that carries a network address, a user agent or a location, each holding a unique marker. */
export const MARKED_HEADERS: Record<string, string> = {
  'cf-connecting-ip': IPV4,
  'x-forwarded-for': `${FORWARDED}, ${IPV4}`,
  'x-real-ip': REAL_IP,
  'true-client-ip': IPV6,
  'user-agent': `Mozilla/5.0 (X11; Linux x86_64) ${AGENT}`,
  'cf-ipcountry': COUNTRY,
  'cf-ipcity': CITY,
};
export const MARKERS = [IPV4, FORWARDED, REAL_IP, IPV6, AGENT, COUNTRY, CITY];

/** A browser whose every request carries the marked headers. */
export class MarkedClient extends Client {
  override fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    for (const [name, value] of Object.entries(MARKED_HEADERS)) headers.set(name, value);
    return super.fetch(path, { ...init, headers });
  }
}

/** The markers found in `text` (case-insensitively), for a message that names what leaked. */
export function markersIn(text: string): string[] {
  const lower = text.toLowerCase();
  return MARKERS.filter((marker) => lower.includes(marker.toLowerCase()));
}

// ------------------------------------------------------------------------------------------------ answers

const knownCode = z.string().refine((code) => code in ERROR_STATUS, 'an error code of ERROR_STATUS');
const errorShape = z.object({ error: errorBodySchema.shape.error.extend({ code: knownCode }) });

/** A refusal of the JSON API: 4xx, JSON, `{ error: { code, message, fields? } }`, and the status its code names. */
export async function expectErrorShape(response: Response, context = '') {
  expect(response.status, context).toBeGreaterThanOrEqual(400);
  expect(response.status, context).toBeLessThan(500);
  expect(response.headers.get('content-type') ?? '', context).toMatch(/^application\/json/);
  const body = errorShape.parse(await response.json());
  const status = Object.entries(ERROR_STATUS).find(([code]) => code === body.error.code)?.[1];
  expect(status, `${context} ${body.error.code}`).toBe(response.status);
  return body.error;
}

/** A refusal of a page: a 4xx HTML page with the message in place (no stack, no 5xx). */
export async function expectErrorPage(response: Response, status: number, context = '') {
  expect(response.status, context).toBe(status);
  expect(response.headers.get('content-type') ?? '', context).toMatch(/^text\/html/);
  const html = await response.text();
  expect(html, context).toContain('<main');
  return html;
}

// ------------------------------------------------------------------------------------------------ requests

const app = createApp();

/**
 * The app's fetch with an execution context that is awaited, so work it leaves for after the response (the rights
 * portal's mail) has finished when this resolves and cannot be counted against the next request. `bindings` are the
 * test environment unless a test configures more (a Resend key, for instance).
 */
export async function settledFetch(path: string, init: RequestInit, jar?: Client, bindings: Env = env): Promise<Response> {
  const headers = new Headers(init.headers);
  if (jar?.cookies.size) headers.set('cookie', jar.cookieHeader());
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(`${ORIGIN}${path}`, { redirect: 'manual', ...init, headers }), bindings, ctx);
  await waitOnExecutionContext(ctx);
  for (const line of response.headers.getSetCookie()) {
    const [pair = ''] = line.split(';');
    const name = pair.slice(0, pair.indexOf('='));
    if (/max-age=0/i.test(line)) jar?.cookies.delete(name);
    else jar?.cookies.set(name, pair.slice(pair.indexOf('=') + 1));
  }
  return response;
}

/** A new session for an account without its password (no Argon2 per call): what a sign-in would have issued. */
export async function signInWithoutPassword(jar: Client, userId: string) {
  const session = await startSession(await testDeps(), userId);
  await session.insert;
  jar.cookies.set(SESSION_COOKIE, session.token);
  jar.csrfToken = await csrfTokenFor(session.token);
}

export async function userIdOf(email: string): Promise<string> {
  const id = await env.DB.prepare('SELECT id FROM users WHERE email = ?').bind(email).first<string>('id');
  if (!id) throw new Error(`no account for ${email}`);
  return id;
}

// ------------------------------------------------------------------------------------------------ set-ups

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function createClient(practice: Practice, displayName: string, email?: string): Promise<string> {
  const response = await practice.client.json('/api/clients', { displayName, ...(email ? { email } : {}) });
  expect(response.status).toBe(201);
  return (await response.json<{ client: { id: string } }>()).client.id;
}

/** A video appointment of `clientId` starting in five minutes (its room is open), booked by the therapist by hand. */
export async function videoCallSoon(practice: Practice, clientId: string, typeId = practice.video.id, inMinutes = 5) {
  const start = new Date(Date.now() + inMinutes * 60_000);
  const local = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(start);
  const [date = '', time = ''] = local.split(' ');
  const html = await (await practice.client.form('/dashboard/appointments', { clientId, typeId, date, time })).text();
  const appointmentId = /\/call\/([0-9a-f-]{36})/.exec(html)?.[1] ?? '';
  const code = /([A-Z2-9]{3}-[A-Z2-9]{3}-[A-Z2-9]{3})/.exec(html)?.[1] ?? '';
  expect(appointmentId).not.toBe('');
  expect(code).not.toBe('');
  return { appointmentId, code };
}

export type CallPass = { token: string; reportToken: string; closesAt: number };

export async function joinCall(appointmentId: string, body: unknown, jar = new Client(), headers: Record<string, string> = {}): Promise<CallPass> {
  const response = await jar.fetch(`/api/calls/${appointmentId}/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(jar.csrfToken ? { 'x-csrf-token': jar.csrfToken } : {}), ...headers },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return response.json<CallPass>();
}

/** A client of the practice with an email on file, created by booking the practice as the public would. */
export async function bookedClient(practice: Practice, name = 'K. M.', headers: Record<string, string> = {}) {
  const email = `${unique('subject')}@example.com`;
  const [slot] = await freeSlots(practice.slug, practice.inPerson.id);
  const response = await book(practice.slug, { typeId: practice.inPerson.id, start: slot?.start ?? '', name, email }, headers);
  expect(response.status).toBe(201);
  const { booking } = await response.json<{ booking: { id: string } }>();
  return { email, appointmentId: booking.id };
}

export const VERIFY_LINK = /\/rights\/verify\/([\w-]{43})/;

/** Sends a rights request as the data subject and returns the single-use verification token mailed for it. */
export async function requestRights(practice: Practice, email: string, types: string[], details?: string, headers: Record<string, string> = {}) {
  const before = (await outbox()).filter((m) => m.to === email && VERIFY_LINK.test(m.text)).length;
  const response = await new Client().fetch('/api/rights/requests', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ practice: practice.slug, types, email, ...(details ? { details } : {}) }),
  });
  expect(response.status).toBe(202);
  for (let attempt = 0; attempt < 50; attempt++) {
    const links = (await outbox()).filter((m) => m.to === email && VERIFY_LINK.test(m.text));
    if (links.length > before) return VERIFY_LINK.exec(links[0]?.text ?? '')?.[1] ?? '';
    await sleep(20);
  }
  throw new Error(`no verification link for ${email}`);
}

export async function latestRequestId(email: string): Promise<string> {
  const id = await env.DB.prepare('SELECT id FROM rights_requests WHERE email = ? ORDER BY created_at DESC LIMIT 1').bind(email).first<string>('id');
  if (!id) throw new Error(`no request for ${email}`);
  return id;
}

/** One DPO console action, which must succeed with its redirect back to the request. */
export async function dpoAct(dpo: Client, id: string, action: string, fields: Record<string, string> = {}) {
  const response = await dpo.form(`/dpo/requests/${id}/${action}`, fields);
  if (response.status !== 303) throw new Error(`${action} answered ${response.status}: ${(await response.text()).slice(0, 400)}`);
}
