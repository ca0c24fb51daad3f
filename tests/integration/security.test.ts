import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../workers/app';
import { Client, countRows, logIn, request, signUpInput, signUpTherapist, testDeps } from './harness';

const TABLES = ['practices', 'users', 'sessions', 'dpa_acceptances', 'audit_events', 'password_resets', 'recovery_codes', 'outbox_messages'];

async function snapshot() {
  return Promise.all(TABLES.map(countRows));
}

describe('security headers', () => {
  it('sends a strict policy on a page: nonce-based CSP without unsafe-inline, HSTS, no framing, no referrer', async () => {
    const response = await request('/login');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'nonce-[^']+'/);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=(\d+)/);
    expect(Number(/max-age=(\d+)/.exec(response.headers.get('strict-transport-security') ?? '')?.[1])).toBeGreaterThanOrEqual(31536000);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('permissions-policy')).toContain('camera=()');
    expect(response.headers.get('permissions-policy')).toContain('microphone=()');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('sends the same policy on an API response', async () => {
    const response = await request('/api/health');
    expect(await response.json()).toEqual({ ok: true });
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('strict-transport-security')).toBeTruthy();
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('allows camera and microphone on call pages only', async () => {
    const call = await request('/call/some-appointment');
    expect(call.headers.get('permissions-policy')).toContain('camera=(self)');
    expect(call.headers.get('permissions-policy')).toContain('microphone=(self)');
    const dashboard = await request('/dashboard');
    expect(dashboard.headers.get('permissions-policy')).toContain('camera=()');
  });
});

describe('CSRF', () => {
  it('refuses a signed-in JSON write without the CSRF header and changes nothing', async () => {
    const therapist = await signUpTherapist();
    const token = therapist.client.csrfToken;
    therapist.client.csrfToken = undefined;
    const response = await therapist.client.json('/api/auth/logout-all', {});
    expect(response.status).toBe(403);
    expect((await response.json<{ error: { code: string } }>()).error.code).toBe('CSRF_REJECTED');
    therapist.client.csrfToken = token;
    expect((await therapist.client.fetch('/api/auth/session')).status).toBe(200);
  });

  it('refuses a signed-in form post with a wrong token', async () => {
    const therapist = await signUpTherapist();
    const response = await therapist.client.form('/logout-everywhere', { _csrf: 'not-the-token' });
    expect(response.status).toBe(403);
    expect((await therapist.client.fetch('/api/auth/session')).status).toBe(200);
  });

  it('refuses cross-site requests by fetch metadata and by origin, even without a session', async () => {
    const before = await snapshot();
    const crossSite = await request('/api/auth/signup', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' },
      body: JSON.stringify(signUpInput()),
    });
    expect(crossSite.status).toBe(403);
    const otherOrigin = await request('/signup', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: new URLSearchParams({ email: 'x@example.com' }),
    });
    expect(otherOrigin.status).toBe(403);
    expect(await snapshot()).toEqual(before);
  });

  it('accepts the token in a form field for signed-in pages', async () => {
    const therapist = await signUpTherapist();
    const response = await therapist.client.form('/logout-everywhere', {});
    expect(response.status).toBe(303);
    expect((await therapist.client.fetch('/api/auth/session')).status).toBe(401);
  });
});

describe('bad input', () => {
  it('answers malformed JSON with 400 and writes nothing', async () => {
    const before = await snapshot();
    const response = await request('/api/auth/signup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email": ' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'BAD_REQUEST', message: expect.any(String) } });
    expect(await snapshot()).toEqual(before);
  });

  it('answers wrong types with 422 and a message per field', async () => {
    const response = await request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 42, password: ['x'] }),
    });
    expect(response.status).toBe(422);
    const { error } = await response.json<{ error: { code: string; message: string; fields: Record<string, string[]> } }>();
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.fields.email?.[0]).toBeTruthy();
    expect(error.fields.password?.[0]).toBeTruthy();
  });

  it('refuses a body over the limit with 413 before reading it', async () => {
    const before = await snapshot();
    const huge = JSON.stringify({ ...signUpInput(), practiceName: 'x'.repeat(MAX_BODY_BYTES) });
    const response = await request('/api/auth/signup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: huge });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a JSON endpoint called with a form body', async () => {
    const response = await request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=a%40b.de&password=x',
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
  });

  it('refuses a JSON endpoint called without any body', async () => {
    const response = await request('/api/auth/login', { method: 'POST' });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(await response.json()).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
  });

  it('keeps a signed-in therapist out of the DPO console and the DPO out of the dashboard', async () => {
    const therapist = await signUpTherapist();
    expect((await therapist.client.fetch('/dpo')).status).toBe(403);
    expect((await therapist.client.fetch('/dashboard')).status).toBe(200);
  });
});

describe('data minimisation', () => {
  it('stores no IP address, user agent or location from the requests it serves', async () => {
    const ip = '203.0.113.77';
    const agent = 'Mozilla/5.0 (X11; Linux x86_64) UniqueAgentMarker/9.9';
    const headers = { 'cf-connecting-ip': ip, 'x-forwarded-for': ip, 'x-real-ip': ip, 'user-agent': agent, 'cf-ipcountry': 'DE' };
    const input = signUpInput();
    const client = new Client();
    await client.fetch('/api/auth/signup', { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(input) });
    await client.fetch('/api/auth/login', {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ email: input.email, password: 'wrong password here' }),
    });
    await logIn(String(input.email), String(input.password));
    await client.fetch('/api/auth/password-reset', { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ email: input.email }) });
    const tables = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations'").all<{ name: string }>();
    expect(tables.results.length).toBeGreaterThanOrEqual(TABLES.length);
    for (const { name } of tables.results) {
      const rows = await env.DB.prepare(`SELECT * FROM "${name}"`).all();
      const dump = JSON.stringify(rows.results);
      expect(dump, name).not.toContain(ip);
      expect(dump, name).not.toContain('UniqueAgentMarker');
    }
  });
});

describe('DPO console in production configuration', () => {
  it('sends a DPO without a second factor to enrol one before any console page', async () => {
    const { createExecutionContext } = await import('cloudflare:test');
    const { createApp } = await import('../../workers/app');
    const { seedDemo, DEMO } = await import('../../workers/services/seed');
    await seedDemo(await testDeps());
    const { client } = await logIn(DEMO.dpoEmail, DEMO.dpoPassword);
    const production = { ...env, ENVIRONMENT: 'production', LOCAL_DEV_ROUTES: undefined, RESEND_API_KEY: 're_test_abcdefghijk', JOIN_TOKEN_SECRET: 'a-production-secret-of-enough-length-xyz' };
    for (const path of ['/dpo', '/dpo/requests', '/dpo/incidents']) {
      const response = await createApp().fetch(new Request(`http://127.0.0.1:8787${path}`, { headers: { cookie: client.cookieHeader() } }), production, createExecutionContext());
      expect(response.status, path).toBe(303);
      expect(response.headers.get('location')).toBe('/account/security?notice=totp-required');
    }
    const local = await client.fetch('/dpo/requests');
    expect(local.status).toBe(200);
  });
});

describe('unreadable bodies', () => {
  it('answers a malformed multipart form with 400, signed in or not, and writes nothing', async () => {
    const therapist = await signUpTherapist();
    const before = await snapshot();
    for (const [client, path] of [[new Client(), '/login'], [therapist.client, '/api/clients']] as const) {
      const response = await client.fetch(path, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '{}' });
      expect(response.status, path).toBe(400);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('searches clients with long or wildcard-like text without a server error', async () => {
    const therapist = await signUpTherapist();
    await therapist.client.json('/api/clients', { displayName: 'Rabatt 50% a_b' });
    expect((await therapist.client.fetch(`/api/clients?q=${'a'.repeat(90)}`)).status).toBe(200);
    const found = await (await therapist.client.fetch('/api/clients?q=50%25')).json<{ clients: unknown[] }>();
    expect(found.clients).toHaveLength(1);
    expect((await (await therapist.client.fetch('/api/clients?q=a_b')).json<{ clients: unknown[] }>()).clients).toHaveLength(1);
  });
});
