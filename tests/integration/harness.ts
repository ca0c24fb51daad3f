import { createExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import { DPA_VERSION } from '../../workers/domain/dpa';
import worker from '../../workers/index';
import { createDeps } from '../../workers/lib/deps';
import type { Deps } from '../../workers/services/deps';
import { DEMO, seedDemo } from '../../workers/services/seed';

export const ORIGIN = 'http://127.0.0.1:8787';
let counter = 0;

/** A unique suffix so tests in one file (which share a database) never collide. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

/**
 * The Worker's own fetch handler (workers/index.ts, the same app and middleware a deployed request meets), called in
 * this isolate with the real bindings. Not through the test pool's dispatch (`exports.default.fetch`), which gets
 * slower with every request a test file has sent (cloudflare/workers-sdk#15446): a thousand requests took minutes.
 */
export function request(path: string, init?: RequestInit): Promise<Response> {
  return Promise.resolve(worker.fetch(new Request(`${ORIGIN}${path}`, { redirect: 'manual', ...init }), env, createExecutionContext()));
}

/** A minimal browser: keeps cookies like a user agent would and sends same-origin fetch metadata. */
export class Client {
  readonly cookies = new Map<string, string>();
  csrfToken: string | undefined;

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', this.cookieHeader());
    if (init.method && init.method !== 'GET') headers.set('sec-fetch-site', headers.get('sec-fetch-site') ?? 'same-origin');
    const response = await request(path, { ...init, headers });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index);
      const value = pair.slice(index + 1);
      if (/max-age=0/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  json(path: string, body: unknown, method = 'POST'): Promise<Response> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    return this.fetch(path, { method, headers, body: JSON.stringify(body) });
  }

  form(path: string, fields: Record<string, string>): Promise<Response> {
    const body = new URLSearchParams(fields);
    if (this.csrfToken && !body.has('_csrf')) body.set('_csrf', this.csrfToken);
    return this.fetch(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  }
}

export type Therapist = { client: Client; email: string; password: string; slug: string; practiceId: string };

export function signUpInput(overrides: Record<string, unknown> = {}) {
  const slug = unique('praxis').toLowerCase();
  return {
    practiceName: 'Praxis Nord',
    slug,
    timeZone: 'Europe/Berlin',
    displayName: 'Anna Beispiel',
    email: `${slug}@example.com`,
    password: 'correct horse battery staple',
    acceptDpa: true,
    dpaVersion: DPA_VERSION,
    ...overrides,
  };
}

/**
 * The token of the newest emailed link to `to` whose URL matches `path?token=`, other than the `seen` ones; mail goes
 * out after the response, so this waits for it a little.
 */
export async function linkTokenFor(to: string, path: '/confirm-email' | '/reset-password', seen: readonly string[] = []): Promise<string> {
  const pattern = new RegExp(`${path}\\?token=([\\w-]+)`);
  for (let attempt = 0; attempt < 100; attempt++) {
    const rows = await env.DB.prepare('SELECT text_body FROM outbox_messages WHERE recipient = ? ORDER BY sent_at DESC').bind(to).all<{ text_body: string }>();
    const token = rows.results.map((row) => pattern.exec(row.text_body)?.[1]).find((t) => t !== undefined && !seen.includes(t));
    if (token) return token;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no ${path} link mailed to ${to}`);
}

/**
 * Signs up a fresh practice through the JSON API and confirms its address with the emailed link, as its owner would;
 * the returned client is signed in.
 */
export async function signUpTherapist(overrides: Record<string, unknown> = {}): Promise<Therapist> {
  const input = signUpInput(overrides);
  const client = new Client();
  const response = await client.json('/api/auth/signup', input);
  expect(response.status).toBe(202);
  const confirmed = await client.json('/api/auth/confirm-email', { token: await linkTokenFor(String(input.email), '/confirm-email') });
  expect(confirmed.status).toBe(200);
  client.csrfToken = (await confirmed.json<{ csrfToken: string }>()).csrfToken;
  const practice = await env.DB.prepare('SELECT id FROM practices WHERE slug = ?').bind(input.slug).first<{ id: string }>();
  if (!practice) throw new Error('the practice of a confirmed sign-up is missing');
  return { client, email: String(input.email), password: String(input.password), slug: String(input.slug), practiceId: practice.id };
}

export async function logIn(email: string, password: string, totp?: string) {
  const client = new Client();
  const response = await client.json('/api/auth/login', { email, password, ...(totp ? { totp } : {}) });
  if (response.ok) client.csrfToken = (await response.json<{ csrfToken: string }>()).csrfToken;
  return { client, response };
}

/** The platform's DPO (from the demo seed), signed in. */
export async function asDpo(): Promise<Client> {
  await seedDemo(await testDeps());
  const { client, response } = await logIn(DEMO.dpoEmail, DEMO.dpoPassword);
  expect(response.status).toBe(200);
  return client;
}

export function testDeps(): Promise<Deps> {
  return createDeps(env);
}

export async function countRows(table: string): Promise<number> {
  const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>();
  return row?.n ?? 0;
}

/** Row counts of every application table (not D1's or SQLite's own), to show what an operation wrote and nothing else. */
/** Every table the app writes to; D1's and the migration runner's own tables are not app state. */
export async function tableNames(): Promise<string[]> {
  const tables = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT GLOB 'sqlite_*' AND name NOT GLOB '_cf_*' AND name NOT GLOB 'd1_*' ORDER BY name",
  ).all<{ name: string }>();
  return tables.results.map((t) => t.name);
}

let countAll: string | undefined;

/** Row counts of every table in one statement, cheap enough to take around every request of a fuzz run. */
export async function tableCounts(): Promise<Record<string, number>> {
  // Scalar subqueries in one row: D1 caps the terms of a compound SELECT, so UNION ALL over every table fails.
  countAll ??= `SELECT ${(await tableNames()).map((name) => `(SELECT count(*) FROM "${name}") AS "${name}"`).join(', ')}`;
  return { ...(await env.DB.prepare(countAll).first<Record<string, number>>()) };
}

/** The tables whose row count changed between two `tableCounts()`, with the change (negative for rows removed), but `ignore`d ones. */
export function rowsChanged(before: Record<string, number>, after: Record<string, number>, ignore: readonly string[] = []): Record<string, number> {
  const changed = Object.entries(after).map(([table, n]) => [table, n - (before[table] ?? 0)] as const);
  return Object.fromEntries(changed.filter(([table, delta]) => delta !== 0 && !ignore.includes(table)));
}

export type OutboxMessage = { to: string; subject: string; text: string; html: string; attachments: { filename: string; contentType: string }[]; sentAt: string };

export async function outbox(): Promise<OutboxMessage[]> {
  const response = await request('/dev/outbox', { headers: { accept: 'application/json' } });
  expect(response.status).toBe(200);
  return response.json<OutboxMessage[]>();
}

/** The newest mail to `to` matching `pattern`; mail of the rights portal goes out after the response, so wait a little. */
export async function mailTo(to: string, pattern: RegExp): Promise<OutboxMessage> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const found = (await outbox()).find((m) => m.to === to && pattern.test(m.text));
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no mail to ${to} matching ${pattern}`);
}

/** Weekday opening hours for a test practice (Mon–Fri 09:00–17:00 local). */
export async function openWeekdays(practiceId: string, startMinute = 9 * 60, endMinute = 17 * 60) {
  const statements = [1, 2, 3, 4, 5].map((weekday) =>
    env.DB.prepare('INSERT INTO working_hours (id, practice_id, weekday, start_minute, end_minute) VALUES (?, ?, ?, ?, ?)').bind(
      crypto.randomUUID(),
      practiceId,
      weekday,
      startMinute,
      endMinute,
    ),
  );
  await env.DB.batch(statements);
}

export type PublicType = { id: string; mode: 'video' | 'in_person'; duration_min: number };

export async function typesOf(practiceId: string): Promise<PublicType[]> {
  const rows = await env.DB.prepare('SELECT id, mode, duration_min FROM appointment_types WHERE practice_id = ? ORDER BY created_at, mode DESC').bind(practiceId).all<PublicType>();
  return rows.results;
}

/** A practice open on weekdays, with its two default types, ready to be booked. */
export async function bookablePractice() {
  const therapist = await signUpTherapist();
  await openWeekdays(therapist.practiceId);
  const types = await typesOf(therapist.practiceId);
  const video = types.find((t) => t.mode === 'video');
  const inPerson = types.find((t) => t.mode === 'in_person');
  if (!video || !inPerson) throw new Error('default appointment types missing');
  return { ...therapist, video, inPerson };
}

export function isoDate(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

export async function freeSlots(slug: string, typeId?: string, days = 14) {
  const from = isoDate(Date.now());
  const to = isoDate(Date.now() + (days - 1) * 86_400_000);
  const response = await request(`/api/p/${slug}/slots?from=${from}&to=${to}${typeId ? `&typeId=${typeId}` : ''}`);
  expect(response.status).toBe(200);
  return (await response.json<{ slots: { start: string; end: string; typeId: string }[] }>()).slots;
}

export async function termsOf(slug: string) {
  return (await request(`/api/p/${slug}/terms`)).json<{ version: number; text: string; sha256: string }>();
}

export function bookingRequest(slug: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return request(`/api/p/${slug}/bookings`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

/** Raises a practice's limits of unconfirmed bookings, for tests that book more at once than a practice allows by default. */
export async function allowHolds(practiceId: string, maxPending = 10_000, maxPerHour = 10_000) {
  await env.DB.prepare('UPDATE practices SET hold_max_pending = ?, hold_max_per_hour = ? WHERE id = ?').bind(maxPending, maxPerHour, practiceId).run();
}

/** Asks for a time with the public API (202 hold, or the refusal), without confirming it. */
export async function holdBooking(slug: string, input: { typeId: string; start: string; email?: string; name?: string; reminders?: boolean }, headers: Record<string, string> = {}) {
  const terms = await termsOf(slug);
  const email = input.email ?? `${unique('client')}@example.com`;
  const response = await bookingRequest(
    slug,
    { typeId: input.typeId, start: input.start, name: input.name ?? 'K. M.', email, termsVersion: terms.version, acceptTerms: true, consents: { reminders: input.reminders ?? false } },
    headers,
  );
  return { response, email };
}

export const HOLD_LINK = /\/hold\/([\w-]{43})/;
const takenHoldTokens = new Set<string>();

/** The confirmation token of the newest booking request mailed to `to` that this file has not taken yet. */
export async function holdTokenFor(to: string): Promise<string> {
  for (const mail of await outbox()) {
    const token = mail.to === to ? HOLD_LINK.exec(mail.text)?.[1] : undefined;
    if (token && !takenHoldTokens.has(token)) {
      takenHoldTokens.add(token);
      return token;
    }
  }
  throw new Error(`no booking confirmation request for ${to}`);
}

/** Confirms a held booking as its emailed link would (the JSON twin of the confirm button): 201 with the booking. */
export function confirmBooking(token: string, headers: Record<string, string> = {}): Promise<Response> {
  return request('/api/bookings/confirm', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ token }) });
}

/**
 * Books as a person does now: asks for the time (a hold), reads the link from the mail to the address, confirms it.
 * Answers the hold's refusal (409, 422, 429) when there is no hold, else the confirmation's answer (201 with the booking).
 */
export async function book(slug: string, input: { typeId: string; start: string; email?: string; name?: string; reminders?: boolean }, headers: Record<string, string> = {}) {
  const { response, email } = await holdBooking(slug, input, headers);
  if (response.status !== 202) return response;
  return confirmBooking(await holdTokenFor(email), headers);
}

/** The manage-link token from the newest confirmation sent to `to`. */
export async function manageTokenFor(to: string): Promise<string> {
  const mail = (await outbox()).find((m) => m.to === to && /\/b\/[\w-]{43}/.test(m.text));
  const token = /\/b\/([\w-]{43})/.exec(mail?.text ?? '')?.[1];
  if (!token) throw new Error(`no confirmation with a manage link for ${to}`);
  return token;
}
