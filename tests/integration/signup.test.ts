import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { DPA_VERSION, dpaText } from '../../workers/domain/dpa';
import { sha256Hex } from '../../workers/lib/crypto';
import { isConfirmationUsable } from '../../workers/services/email-confirmation';
import { hashToken } from '../../workers/lib/crypto';
import { asDpo, Client, countRows, linkTokenFor, logIn, mailTo, request, signUpInput, signUpTherapist, testDeps } from './harness';

describe('sign-up', () => {
  it('creates the practice, its owner and a recorded acceptance of the data-processing agreement', async () => {
    const before = Date.now();
    const therapist = await signUpTherapist({ timeZone: 'Europe/Copenhagen', locale: 'da' });
    const practice = await env.DB.prepare('SELECT * FROM practices WHERE id = ?').bind(therapist.practiceId).first();
    expect(practice).toMatchObject({ slug: therapist.slug, time_zone: 'Europe/Copenhagen' });
    const acceptance = await env.DB.prepare('SELECT * FROM dpa_acceptances WHERE practice_id = ?').bind(therapist.practiceId).first<{
      version: string;
      text_sha256: string;
      accepted_at: number;
    }>();
    expect(acceptance?.version).toBe(DPA_VERSION);
    expect(acceptance?.text_sha256).toBe(await sha256Hex(dpaText('da')));
    expect(acceptance?.accepted_at).toBeGreaterThanOrEqual(before);
    const user = await env.DB.prepare('SELECT role, password_hash FROM users WHERE email = ?').bind(therapist.email).first<{ role: string; password_hash: string }>();
    expect(user?.role).toBe('therapist');
    expect(user?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(user?.password_hash).not.toContain(therapist.password);
  });

  it('refuses a sign-up without accepting the agreement and writes nothing', async () => {
    const tables = ['practices', 'users', 'dpa_acceptances', 'audit_events', 'sessions'];
    const before = await Promise.all(tables.map(countRows));
    const response = await new Client().json('/api/auth/signup', signUpInput({ acceptDpa: false }));
    expect(response.status).toBe(422);
    const body = await response.json<{ error: { code: string; fields: Record<string, string[]> } }>();
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.fields.acceptDpa).toBeDefined();
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(await Promise.all(tables.map(countRows))).toEqual(before);
  });

  it('refuses an outdated agreement version', async () => {
    const response = await new Client().json('/api/auth/signup', signUpInput({ dpaVersion: '2020-01-01' }));
    expect(response.status).toBe(422);
    expect((await response.json<{ error: { fields: Record<string, string[]> } }>()).error.fields.dpaVersion).toBeDefined();
  });

  it('refuses a taken booking address with 409 and leaves the first practice alone', async () => {
    const first = await signUpTherapist();
    const response = await new Client().json('/api/auth/signup', signUpInput({ slug: first.slug }));
    expect(response.status).toBe(409);
    expect((await response.json<{ error: { fields: Record<string, string[]> } }>()).error.fields.slug).toBeDefined();
    expect(await env.DB.prepare('SELECT count(*) AS n FROM practices WHERE slug = ?').bind(first.slug).first('n')).toBe(1);
  });

  it('explains each invalid field: time zone, slug, email and password', async () => {
    const response = await new Client().json(
      '/api/auth/signup',
      signUpInput({ timeZone: 'Mars/Olympus', slug: 'A!', email: 'not-an-email', password: 'short' }),
    );
    expect(response.status).toBe(422);
    const { error } = await response.json<{ error: { fields: Record<string, string[]> } }>();
    expect(Object.keys(error.fields).sort()).toEqual(['email', 'password', 'slug', 'timeZone']);
  });

  it('accepts any IANA time zone, not only the German and Danish ones', async () => {
    const therapist = await signUpTherapist({ timeZone: 'America/New_York' });
    expect(await env.DB.prepare('SELECT time_zone FROM practices WHERE id = ?').bind(therapist.practiceId).first('time_zone')).toBe('America/New_York');
  });

  it('signs up through the HTML form without JavaScript, confirms the emailed link and lands on the dashboard', async () => {
    const input = signUpInput();
    const client = new Client();
    const page = await client.fetch('/signup');
    expect(await page.text()).toContain(`name="dpaVersion" value="${DPA_VERSION}"`);
    const response = await client.form('/signup', { ...input, acceptDpa: 'true' } as Record<string, string>);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/signup?sent=1');
    expect(response.headers.getSetCookie()).toEqual([]);
    expect((await client.fetch('/dashboard')).status).toBe(303);
    const token = await linkTokenFor(String(input.email), '/confirm-email');
    const confirmPage = await client.fetch(`/confirm-email?token=${token}`);
    expect(confirmPage.status).toBe(200);
    expect(await isConfirmationUsable(await testDeps(), token)).toBe(true); // showing the page does not use the link up
    const confirmed = await client.form('/confirm-email', { token });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get('location')).toBe('/dashboard');
    const dashboard = await client.fetch('/dashboard');
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain(String(input.practiceName));
  });

  it('shows the missing agreement in place on the form, keeping what was typed except the password', async () => {
    const input = signUpInput();
    const { acceptDpa: _ignored, ...withoutDpa } = input;
    const response = await new Client().form('/signup', withoutDpa as Record<string, string>);
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain(`value="${input.slug}"`);
    expect(html).not.toContain(String(input.password));
  });

  it('answers an unknown page with a 404 page and an unknown API path with the JSON error shape', async () => {
    const page = await request('/no-such-page');
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toContain('text/html');
    const api = await request('/api/no-such-endpoint');
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});

describe('sign-up needs proof of the address', () => {
  it('creates an account that cannot sign in, hold a session or publish a booking page until the emailed link is used', async () => {
    const input = signUpInput();
    const response = await new Client().json('/api/auth/signup', input);
    expect(response.status).toBe(202);
    expect(response.headers.getSetCookie()).toEqual([]);
    const refused = await logIn(String(input.email), String(input.password));
    expect(refused.response.status).toBe(403);
    expect(refused.response.headers.getSetCookie()).toEqual([]);
    expect((await request(`/book/${input.slug}`)).status).toBe(404);
    expect((await request(`/api/p/${input.slug}/terms`)).status).toBe(404);
    // Even a session row planted for the account is not honoured.
    const user = await env.DB.prepare('SELECT id FROM users WHERE email = ?').bind(input.email).first<{ id: string }>();
    const planted = new Client();
    planted.cookies.set('__Host-session', 'planted-session-token-for-an-unconfirmed-account');
    await env.DB.prepare('INSERT INTO sessions (id, user_id, token_hash, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)')
      .bind(crypto.randomUUID(), user?.id, await hashToken('planted-session-token-for-an-unconfirmed-account'), Date.now(), Date.now())
      .run();
    expect((await planted.fetch('/api/auth/session')).status).toBe(401);

    const token = await linkTokenFor(String(input.email), '/confirm-email');
    const owner = new Client();
    expect((await owner.json('/api/auth/confirm-email', { token })).status).toBe(200);
    expect((await owner.fetch('/api/auth/session')).status).toBe(200);
    expect((await new Client().json('/api/auth/confirm-email', { token })).status).toBe(400);
    expect((await logIn(String(input.email), String(input.password))).response.status).toBe(200);
    expect((await request(`/book/${input.slug}`)).status).toBe(200);
  });

  it('answers an existing address exactly like a new one, changes nothing, and tells the owner by email', async () => {
    const existing = await signUpTherapist();
    const fresh = await new Client().json('/api/auth/signup', signUpInput());
    const before = await Promise.all(['practices', 'users'].map(countRows));
    const again = await new Client().json('/api/auth/signup', signUpInput({ email: existing.email, password: 'an attacker passphrase' }));
    expect(again.status).toBe(fresh.status);
    expect(await again.json()).toEqual(await fresh.json());
    expect(await Promise.all(['practices', 'users'].map(countRows))).toEqual(before);
    const notice = await mailTo(existing.email, /forgot-password/);
    expect(notice.text).not.toMatch(/confirm-email/);
    expect((await logIn(existing.email, 'an attacker passphrase')).response.status).toBe(401);
    expect((await logIn(existing.email, existing.password)).response.status).toBe(200);
  });

  it('never lets the DPO address become a therapist: the same neutral answer, and /dpo keeps working for the DPO', async () => {
    for (const email of [env.DPO_EMAIL, env.DPO_EMAIL.toUpperCase()]) {
      const response = await new Client().json('/api/auth/signup', signUpInput({ email }));
      expect(response.status).toBe(202);
      expect(await response.json()).toEqual({ ok: true });
    }
    const roles = await env.DB.prepare('SELECT role FROM users WHERE lower(email) = lower(?)').bind(env.DPO_EMAIL).all<{ role: string }>();
    expect(roles.results).toEqual([{ role: 'dpo' }]);
    expect(await linkTokenFor(env.DPO_EMAIL, '/confirm-email').catch(() => 'none')).toBe('none');
    const dpo = await asDpo();
    expect((await dpo.fetch('/dpo')).status).toBe(200);
  });

  it('shows "check your email" after the form in the page language, whether or not the address is known', async () => {
    const existing = await signUpTherapist();
    for (const email of [existing.email, `${signUpInput().slug}@example.com`]) {
      const client = new Client();
      const response = await client.form('/signup?lang=de', { ...signUpInput({ email }), acceptDpa: 'true' } as Record<string, string>);
      expect(response.headers.get('location')).toBe('/signup?sent=1');
    }
    const page = await new Client().fetch('/signup?sent=1&lang=de');
    expect(await page.text()).toContain('Bitte prüfen Sie Ihr Postfach');
  });
});
