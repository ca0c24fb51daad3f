import { env, exports } from 'cloudflare:workers';
import { expect } from 'vitest';
import { DPA_VERSION } from '../../workers/domain/dpa';
import { createDeps } from '../../workers/lib/deps';
import type { Deps } from '../../workers/services/deps';

export const ORIGIN = 'http://127.0.0.1:8787';
let counter = 0;

/** A unique suffix so tests in one file (which share a database) never collide. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

export function request(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, { redirect: 'manual', ...init }));
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

/** Signs up a fresh practice through the JSON API; the returned client is signed in. */
export async function signUpTherapist(overrides: Record<string, unknown> = {}): Promise<Therapist> {
  const input = signUpInput(overrides);
  const client = new Client();
  const response = await client.json('/api/auth/signup', input);
  expect(response.status).toBe(201);
  const body = await response.json<{ practice: { id: string }; csrfToken: string }>();
  client.csrfToken = body.csrfToken;
  return { client, email: String(input.email), password: String(input.password), slug: String(input.slug), practiceId: body.practice.id };
}

export async function logIn(email: string, password: string, totp?: string) {
  const client = new Client();
  const response = await client.json('/api/auth/login', { email, password, ...(totp ? { totp } : {}) });
  if (response.ok) client.csrfToken = (await response.json<{ csrfToken: string }>()).csrfToken;
  return { client, response };
}

export function testDeps(): Promise<Deps> {
  return createDeps(env);
}

export async function countRows(table: string): Promise<number> {
  const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>();
  return row?.n ?? 0;
}

export type OutboxMessage = { to: string; subject: string; text: string; html: string; attachments: { filename: string; contentType: string }[]; sentAt: string };

export async function outbox(): Promise<OutboxMessage[]> {
  const response = await request('/dev/outbox', { headers: { accept: 'application/json' } });
  expect(response.status).toBe(200);
  return response.json<OutboxMessage[]>();
}
