import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { FREE_FAILURES } from '../../workers/domain/throttle';
import { DEMO, seedDemo } from '../../workers/services/seed';
import { currentCode } from '../../workers/services/totp';
import worker from '../../workers/index';
import { Client, linkTokenFor, ORIGIN, logIn, signUpTherapist, testDeps, type Therapist } from './harness';

async function withTotp(therapist: Therapist) {
  const { secret } = await (await therapist.client.json('/api/auth/totp/enrol', {})).json<{ secret: string }>();
  const confirm = await therapist.client.json('/api/auth/totp/confirm', { code: currentCode(secret, therapist.email, Date.now()) });
  const { recoveryCodes } = await confirm.json<{ recoveryCodes: string[] }>();
  return { secret, recoveryCodes, nextCode: () => currentCode(secret, therapist.email, Date.now() + 30_000) };
}

function tally(statuses: number[]) {
  return statuses.reduce<Record<number, number>>((counts, status) => ({ ...counts, [status]: (counts[status] ?? 0) + 1 }), {});
}

async function auditCount(email: string, action: string): Promise<number> {
  const row = await env.DB.prepare('SELECT count(*) AS n FROM audit_events a JOIN users u ON u.id = a.actor_user_id WHERE u.email = ? AND a.action = ?')
    .bind(email, action)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

function resetRequest(email: string) {
  return new Request(`${ORIGIN}/api/auth/password-reset`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
    body: JSON.stringify({ email }),
  });
}

async function wrongCode(right: string): Promise<string> {
  return right === '000000' ? '111111' : '000000';
}

describe('sign-in throttle under concurrency', () => {
  it('checks at most the free number of 60 simultaneous wrong passwords, then refuses the right one while the pause lasts', async () => {
    const therapist = await signUpTherapist();
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => logIn(therapist.email, `wrong password ${i}`)));
    const counts = tally(results.map((r) => r.response.status));
    expect(Object.keys(counts).sort()).toEqual(['401', '429']);
    expect(counts[401]).toBeLessThanOrEqual(FREE_FAILURES);
    expect(await auditCount(therapist.email, 'auth.login_failed')).toBe(counts[401]);
    expect((await logIn(therapist.email, therapist.password)).response.status).toBe(429);
  });

  it('ends 40 simultaneous wrong one-time codes in the lock, and the right code is refused while it lasts', async () => {
    const therapist = await signUpTherapist();
    const totp = await withTotp(therapist);
    const code = await wrongCode(totp.nextCode());
    const results = await Promise.all(Array.from({ length: 40 }, () => logIn(therapist.email, therapist.password, code)));
    const counts = tally(results.map((r) => r.response.status));
    expect(counts[401] ?? 0).toBeLessThanOrEqual(FREE_FAILURES);
    expect(counts[429]).toBeGreaterThanOrEqual(40 - FREE_FAILURES);
    expect((await logIn(therapist.email, therapist.password, totp.nextCode())).response.status).toBe(429);
  });

  it('counts wrong recovery codes against the same throttle, so a right one is refused during the pause', async () => {
    const therapist = await signUpTherapist();
    const { recoveryCodes } = await withTotp(therapist);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => logIn(therapist.email, therapist.password, `wrongcode${i}`)));
    expect(tally(results.map((r) => r.response.status))[401] ?? 0).toBeLessThanOrEqual(FREE_FAILURES);
    expect((await logIn(therapist.email, therapist.password, recoveryCodes[0])).response.status).toBe(429);
  });

  it('throttles removing the second factor: 30 simultaneous wrong passwords from a session end in the lock and the factor stays', async () => {
    const therapist = await signUpTherapist();
    await withTotp(therapist);
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => therapist.client.json('/api/auth/totp/disable', { password: `wrong password ${i}` })));
    const counts = tally(results.map((r) => r.status));
    expect(counts[422] ?? 0).toBeLessThanOrEqual(FREE_FAILURES);
    expect(counts[429]).toBeGreaterThanOrEqual(30 - FREE_FAILURES);
    expect((await therapist.client.json('/api/auth/totp/disable', { password: therapist.password })).status).toBe(429);
    const row = await env.DB.prepare('SELECT totp_enabled_at FROM users WHERE email = ?').bind(therapist.email).first<{ totp_enabled_at: number | null }>();
    expect(row?.totp_enabled_at).not.toBeNull();
  });
});

describe('enumeration and lockout', () => {
  it('answers an unknown address exactly like a known one, pause included, and stores neither address', async () => {
    const therapist = await signUpTherapist();
    const unknown = `nobody-${Date.now()}@example.com`;
    const answers = async (email: string) => {
      const out: string[] = [];
      for (let i = 0; i < FREE_FAILURES + 2; i++) {
        const { response } = await logIn(email, 'not the password at all');
        out.push(`${response.status} ${(await response.text()).replace(/\d+ seconds/, 'N seconds')}`);
      }
      return out;
    };
    const known = await answers(therapist.email);
    expect(await answers(unknown)).toEqual(known);
    expect(known.at(-1)).toMatch(/^429 /);
    // Each checked guess at the known account is audited with it as the actor; paused ones are not checked at all.
    expect(await auditCount(therapist.email, 'auth.login_failed')).toBe(FREE_FAILURES);
    const dump = JSON.stringify((await env.DB.prepare('SELECT * FROM sign_in_throttles').all()).results);
    expect(dump).not.toContain(unknown);
    expect(dump).not.toContain(therapist.email);
  });

  it('takes the same time to refuse a wrong password for a known and an unknown address', async () => {
    const therapist = await signUpTherapist();
    const unknown = `nobody-timing-${Date.now()}@example.com`;
    const times: Record<'known' | 'unknown', number[]> = { known: [], unknown: [] };
    for (let i = 0; i < 30; i++) {
      const pair = [['known', therapist.email], ['unknown', unknown]] as const;
      // Alternating the order cancels drift in a machine's load between the two kinds.
      for (const [kind, email] of i % 2 ? [...pair].reverse() : pair) {
        await env.DB.prepare('DELETE FROM sign_in_throttles').run();
        const started = performance.now();
        expect((await logIn(email, 'not the password at all')).response.status).toBe(401);
        times[kind].push(performance.now() - started);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    // Both verify an Argon2id hash (about 60 ms idle, 200 ms on a loaded machine) and make the same database round
    // trips. The stated bound: medians within 15 ms or 10 % of their mean, whichever is larger. An extra write for
    // known accounts alone (the old audit insert) measured 47 ms under load.
    const [known, unknownMedian] = [median(times.known), median(times.unknown)];
    expect(Math.abs(known - unknownMedian)).toBeLessThan(Math.max(15, 0.1 * ((known + unknownMedian) / 2)));
  });

  it('takes the same time and answers the same to a reset request for a known and an unknown address', async () => {
    const therapist = await signUpTherapist();
    const times: Record<'known' | 'unknown', number[]> = { known: [], unknown: [] };
    const bodies = new Set<string>();
    for (let i = 0; i < 40; i++) {
      for (const [kind, email] of [['known', therapist.email], ['unknown', `nobody-${i}@example.com`]] as const) {
        const ctx = createExecutionContext();
        const started = performance.now();
        const response = await worker.fetch(resetRequest(email), env, ctx);
        times[kind].push(performance.now() - started);
        bodies.add(`${response.status} ${await response.text()}`);
        await waitOnExecutionContext(ctx); // the deferred work of one request must not slow the next one measured
      }
    }
    expect([...bodies]).toEqual(['202 {"ok":true}']);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    // The mail (and the database work behind it) goes out after the response: the stated bound is 5 ms between medians.
    expect(Math.abs(median(times.known) - median(times.unknown))).toBeLessThan(5);
  });

  it('cannot keep the DPO out: while guessers are paused, the emailed reset link signs the DPO in', async () => {
    await seedDemo(await testDeps());
    await Promise.all(Array.from({ length: 20 }, (_, i) => logIn(DEMO.dpoEmail, `guess ${i}`)));
    expect((await logIn(DEMO.dpoEmail, DEMO.dpoPassword)).response.status).toBe(429);
    const dpo = new Client();
    expect((await dpo.json('/api/auth/password-reset', { email: DEMO.dpoEmail })).status).toBe(202);
    const token = await linkTokenFor(DEMO.dpoEmail, '/reset-password');
    const reset = await dpo.form('/reset-password', { token, password: DEMO.dpoPassword });
    expect(reset.status).toBe(303);
    expect(reset.headers.get('location')).toBe('/dpo');
    expect((await dpo.fetch('/dpo')).status).toBe(200);
    // The guessers meet the pause again after their free attempts.
    await Promise.all(Array.from({ length: 20 }, (_, i) => logIn(DEMO.dpoEmail, `guess again ${i}`)));
    expect((await logIn(DEMO.dpoEmail, 'yet another guess')).response.status).toBe(429);
    expect((await dpo.fetch('/dpo')).status).toBe(200);
  });

  it('lets a locked-out holder with a second factor in through the reset link only with a code, and kills the link after three wrong ones', async () => {
    const therapist = await signUpTherapist();
    const totp = await withTotp(therapist);
    await Promise.all(Array.from({ length: 10 }, (_, i) => logIn(therapist.email, `guess ${i}`)));
    const holder = new Client();
    await holder.json('/api/auth/password-reset', { email: therapist.email });
    const token = await linkTokenFor(therapist.email, '/reset-password');
    const withoutCode = await holder.json('/api/auth/password-reset/complete', { token, password: 'a brand new passphrase' });
    expect(withoutCode.status).toBe(401);
    expect((await withoutCode.json<{ error: { code: string } }>()).error.code).toBe('SECOND_FACTOR_REQUIRED');
    for (let i = 0; i < 3; i++) {
      const wrong = await holder.json('/api/auth/password-reset/complete', { token, password: 'a brand new passphrase', totp: await wrongCode(totp.nextCode()) });
      expect(wrong.status).toBe(401);
    }
    expect((await holder.json('/api/auth/password-reset/complete', { token, password: 'a brand new passphrase', totp: totp.nextCode() })).status).toBe(400);
    await holder.json('/api/auth/password-reset', { email: therapist.email });
    const fresh = await linkTokenFor(therapist.email, '/reset-password', [token]);
    const page = await holder.fetch(`/reset-password?token=${fresh}`);
    expect(await page.text()).toContain('name="totp"');
    const done = await holder.json('/api/auth/password-reset/complete', { token: fresh, password: 'a brand new passphrase', totp: totp.nextCode() });
    expect(done.status).toBe(200);
    expect((await holder.fetch('/api/auth/session')).status).toBe(200);
  });
});

describe('reset links after a reset', () => {
  it('refuses every other outstanding reset link of the account once one was used', async () => {
    const therapist = await signUpTherapist();
    const tokens: string[] = [];
    for (let i = 0; i < 3; i++) {
      await new Client().json('/api/auth/password-reset', { email: therapist.email });
      tokens.push(await linkTokenFor(therapist.email, '/reset-password', tokens));
    }
    expect(new Set(tokens).size).toBe(3);
    const [first, second, third] = tokens;
    expect((await new Client().json('/api/auth/password-reset/complete', { token: second, password: 'the second new passphrase' })).status).toBe(200);
    for (const old of [first, third]) {
      expect((await new Client().fetch(`/reset-password?token=${old}`)).status).toBe(400);
      expect((await new Client().json('/api/auth/password-reset/complete', { token: old, password: 'an attacker passphrase' })).status).toBe(400);
    }
    expect((await logIn(therapist.email, 'the second new passphrase')).response.status).toBe(200);
  });
});
