import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { FREE_FAILURES } from '../../workers/domain/throttle';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from '../../workers/domain/sessions';
import { currentCode } from '../../workers/services/totp';
import { throttleKey } from '../../workers/services/sign-in-throttle';
import { Client, linkTokenFor, logIn, outbox, signUpTherapist, testDeps } from './harness';

async function sessionCount(email: string): Promise<number> {
  const row = await env.DB.prepare('SELECT count(*) AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = ?').bind(email).first<{ n: number }>();
  return row?.n ?? 0;
}

describe('sign-in', () => {
  it('signs in with the right password and sets a __Host- cookie that is HttpOnly, Secure and SameSite=Strict', async () => {
    const therapist = await signUpTherapist();
    const { response, client } = await logIn(therapist.email, therapist.password);
    expect(response.status).toBe(200);
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith('__Host-session='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\//i);
    expect(cookie).not.toMatch(/Domain=/i);
    const session = await client.fetch('/api/auth/session');
    expect(session.status).toBe(200);
    expect(await session.json()).toMatchObject({ user: { role: 'therapist', practiceId: therapist.practiceId } });
  });

  it('stores only a hash of the session token, and issues a new token at every sign-in', async () => {
    const therapist = await signUpTherapist();
    const first = await logIn(therapist.email, therapist.password);
    const second = await logIn(therapist.email, therapist.password);
    const tokenA = first.client.cookies.get('__Host-session') ?? '';
    const tokenB = second.client.cookies.get('__Host-session') ?? '';
    expect(tokenA.length).toBeGreaterThanOrEqual(43); // 32 bytes of entropy in base64url
    expect(tokenA).not.toBe(tokenB);
    const stored = await env.DB.prepare('SELECT token_hash FROM sessions').all<{ token_hash: string }>();
    const hashes = stored.results.map((row) => row.token_hash);
    expect(hashes).not.toContain(tokenA);
    expect(hashes.join()).not.toContain(tokenB);
  });

  it('refuses a wrong password with 401 and the same message as an unknown address', async () => {
    const therapist = await signUpTherapist();
    const wrong = await logIn(therapist.email, 'not the password at all');
    const unknown = await logIn('nobody-here@example.com', 'not the password at all');
    expect(wrong.response.status).toBe(401);
    expect(unknown.response.status).toBe(401);
    expect(await wrong.response.json()).toEqual(await unknown.response.json());
    expect(wrong.response.headers.getSetCookie()).toEqual([]);
  });

  it('pauses sign-in for the account after repeated failures, even with the right password, without storing addresses', async () => {
    const therapist = await signUpTherapist();
    for (let attempt = 1; attempt < FREE_FAILURES; attempt++) {
      expect((await logIn(therapist.email, 'wrong password ' + attempt)).response.status).toBe(401);
    }
    expect((await logIn(therapist.email, 'wrong password again')).response.status).toBe(401);
    const locked = await logIn(therapist.email, therapist.password);
    expect(locked.response.status).toBe(429);
    expect((await locked.response.json<{ error: { code: string } }>()).error.code).toBe('TOO_MANY_ATTEMPTS');
    const key = await throttleKey(await testDeps(), therapist.email);
    const row = await env.DB.prepare('SELECT * FROM sign_in_throttles WHERE key = ?').bind(key).first<{ attempts: number; locked_until: number }>();
    expect(row?.attempts).toBe(FREE_FAILURES);
    expect(row?.locked_until).toBeGreaterThan(Date.now());
    expect(JSON.stringify(row)).not.toContain(therapist.email);
    // Once the pause has passed, the right password works and resets the counter.
    await env.DB.prepare('UPDATE sign_in_throttles SET locked_until = ? WHERE key = ?').bind(Date.now() - 1, key).run();
    expect((await logIn(therapist.email, therapist.password)).response.status).toBe(200);
    expect(await env.DB.prepare('SELECT count(*) AS n FROM sign_in_throttles WHERE key = ?').bind(key).first('n')).toBe(0);
  });
});

describe('sessions', () => {
  it('ends a session after 30 minutes without activity', async () => {
    const therapist = await signUpTherapist();
    const { client } = await logIn(therapist.email, therapist.password);
    const hashOf = await env.DB.prepare('SELECT id FROM sessions ORDER BY created_at DESC LIMIT 1').first<{ id: string }>();
    await env.DB.prepare('UPDATE sessions SET last_seen_at = ? WHERE id = ?').bind(Date.now() - SESSION_IDLE_MS - 1000, hashOf?.id).run();
    const response = await client.fetch('/api/auth/session');
    expect(response.status).toBe(401);
    expect(await env.DB.prepare('SELECT count(*) AS n FROM sessions WHERE id = ?').bind(hashOf?.id).first('n')).toBe(0);
  });

  it('keeps an active session alive but ends it 12 hours after sign-in at the latest', async () => {
    const therapist = await signUpTherapist();
    const { client } = await logIn(therapist.email, therapist.password);
    const row = await env.DB.prepare('SELECT id FROM sessions ORDER BY created_at DESC LIMIT 1').first<{ id: string }>();
    await env.DB.prepare('UPDATE sessions SET created_at = ?, last_seen_at = ? WHERE id = ?')
      .bind(Date.now() - SESSION_ABSOLUTE_MS + 60_000, Date.now() - 5 * 60_000, row?.id)
      .run();
    expect((await client.fetch('/api/auth/session')).status).toBe(200);
    await env.DB.prepare('UPDATE sessions SET created_at = ?, last_seen_at = ? WHERE id = ?')
      .bind(Date.now() - SESSION_ABSOLUTE_MS - 1, Date.now(), row?.id)
      .run();
    expect((await client.fetch('/api/auth/session')).status).toBe(401);
  });

  it('treats a forged session cookie as signed out and clears it', async () => {
    const client = new Client();
    client.cookies.set('__Host-session', 'forged-token-value-that-was-never-issued-by-us');
    const response = await client.fetch('/api/auth/session');
    expect(response.status).toBe(401);
    expect(response.headers.getSetCookie().join()).toMatch(/__Host-session=;/);
    const page = await client.fetch('/dashboard');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login?next=%2Fdashboard');
  });

  it('signs out one session, and signs out everywhere', async () => {
    const therapist = await signUpTherapist();
    const a = await logIn(therapist.email, therapist.password);
    const b = await logIn(therapist.email, therapist.password);
    const before = await sessionCount(therapist.email);
    expect((await a.client.json('/api/auth/logout', {})).status).toBe(204);
    expect(await sessionCount(therapist.email)).toBe(before - 1);
    expect((await a.client.fetch('/api/auth/session')).status).toBe(401);
    expect((await b.client.fetch('/api/auth/session')).status).toBe(200);
    expect((await b.client.json('/api/auth/logout-all', {})).status).toBe(204);
    expect(await sessionCount(therapist.email)).toBe(0);
    expect((await therapist.client.fetch('/api/auth/session')).status).toBe(401);
  });
});

describe('second factor (TOTP)', () => {
  it('enrols, then requires a current code at sign-in, refuses a replayed one and accepts each recovery code once', async () => {
    const therapist = await signUpTherapist();
    const enrol = await therapist.client.json('/api/auth/totp/enrol', {});
    expect(enrol.status).toBe(200);
    const { secret, uri } = await enrol.json<{ secret: string; uri: string }>();
    expect(uri).toMatch(/^otpauth:\/\/totp\//);
    const badConfirm = await therapist.client.json('/api/auth/totp/confirm', { code: '000000' === currentCode(secret, therapist.email, Date.now()) ? '111111' : '000000' });
    expect(badConfirm.status).toBe(422);
    const confirmationCode = currentCode(secret, therapist.email, Date.now());
    const confirm = await therapist.client.json('/api/auth/totp/confirm', { code: confirmationCode });
    expect(confirm.status).toBe(200);
    const { recoveryCodes } = await confirm.json<{ recoveryCodes: string[] }>();
    expect(recoveryCodes).toHaveLength(10);

    const withoutCode = await logIn(therapist.email, therapist.password);
    expect(withoutCode.response.status).toBe(401);
    expect((await withoutCode.response.json<{ error: { code: string } }>()).error.code).toBe('SECOND_FACTOR_REQUIRED');

    // The code used for confirmation cannot be used again (its time step is spent).
    const replay = await logIn(therapist.email, therapist.password, confirmationCode);
    expect(replay.response.status).toBe(401);
    const nextStep = await logIn(therapist.email, therapist.password, currentCode(secret, therapist.email, Date.now() + 30_000));
    expect(nextStep.response.status).toBe(200);

    const recovery = recoveryCodes[0] ?? '';
    expect((await logIn(therapist.email, therapist.password, recovery)).response.status).toBe(200);
    expect((await logIn(therapist.email, therapist.password, recovery)).response.status).toBe(401);
    const stored = await env.DB.prepare('SELECT code_hash FROM recovery_codes').all<{ code_hash: string }>();
    expect(stored.results.map((r) => r.code_hash)).not.toContain(recovery);
  });

  it('enrols through the security page with a QR code and shows the recovery codes once', async () => {
    const therapist = await signUpTherapist();
    const start = await therapist.client.form('/account/totp/start', {});
    expect(start.status).toBe(200);
    const html = await start.text();
    expect(html).toContain('<svg');
    const secret = /data-testid="totp-secret">([A-Z2-7]+)</.exec(html)?.[1] ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const confirm = await therapist.client.form('/account/totp/confirm', { code: currentCode(secret, therapist.email, Date.now()) });
    expect(confirm.status).toBe(200);
    expect((await confirm.text()).match(/<li><code>/g)).toHaveLength(10);
    const later = await therapist.client.fetch('/account/security');
    expect(await later.text()).not.toContain('data-testid="recovery-codes"');
  });
});

describe('password reset', () => {
  it('emails a single-use link that sets a new password and ends every session', async () => {
    const therapist = await signUpTherapist();
    const anonymous = new Client();
    expect((await anonymous.json('/api/auth/password-reset', { email: therapist.email })).status).toBe(202);
    const token = await linkTokenFor(therapist.email, '/reset-password');
    expect(token.length).toBeGreaterThanOrEqual(43);
    expect(await env.DB.prepare('SELECT count(*) AS n FROM password_resets WHERE token_hash = ?').bind(token).first('n')).toBe(0);

    const newPassword = 'a completely new passphrase';
    expect((await anonymous.json('/api/auth/password-reset/complete', { token, password: newPassword })).status).toBe(200);
    // The link signs its holder in; every earlier session is ended.
    expect((await anonymous.fetch('/api/auth/session')).status).toBe(200);
    expect((await therapist.client.fetch('/api/auth/session')).status).toBe(401);
    expect((await logIn(therapist.email, therapist.password)).response.status).toBe(401);
    expect((await logIn(therapist.email, newPassword)).response.status).toBe(200);

    const reuse = await new Client().json('/api/auth/password-reset/complete', { token, password: 'yet another passphrase' });
    expect(reuse.status).toBe(400);
    expect((await logIn(therapist.email, newPassword)).response.status).toBe(200);
  });

  it('answers the same for an unknown address and sends nothing', async () => {
    const response = await new Client().json('/api/auth/password-reset', { email: 'unknown-person@example.com' });
    expect(response.status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await outbox()).filter((m) => m.to === 'unknown-person@example.com')).toEqual([]);
  });

  it('refuses an expired link', async () => {
    const therapist = await signUpTherapist();
    await new Client().json('/api/auth/password-reset', { email: therapist.email });
    const token = await linkTokenFor(therapist.email, '/reset-password');
    await env.DB.prepare('UPDATE password_resets SET expires_at = ?').bind(Date.now() - 1).run();
    const page = await new Client().fetch(`/reset-password?token=${token}`);
    expect(page.status).toBe(400);
    expect((await new Client().json('/api/auth/password-reset/complete', { token, password: 'some new passphrase' })).status).toBe(400);
  });
});
