import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { type JoinClaims, signJoinToken } from '../../workers/domain/join-token';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from '../../workers/domain/sessions';
import { hashToken, randomToken } from '../../workers/lib/crypto';
import { bookedClient, createClient, dpoAct, expectErrorPage, expectErrorShape, joinCall, latestRequestId, type Practice, requestRights, SESSION_COOKIE, userIdOf, videoCallSoon } from './attack-support';
import { socketRequest } from './call-room-support';
import { ROUTE_ACCESS } from './route-table';
import { asDpo, bookablePractice, Client, logIn, mailTo, manageTokenFor, outbox, request, rowsChanged, signUpTherapist, tableCounts, testDeps } from './harness';

// Forged, expired and replayed credentials: every one is refused with a 4xx (the API in the one error shape, pages as
// an HTML error page), never a 5xx, and the refusal changes no row of any table.

const forged = () => randomToken(32);

/** Runs `attempt` and checks that no table gained or lost a row meanwhile (`ignore` names expected clean-ups). */
async function unchanged<T>(attempt: () => Promise<T>, ignore: string[] = []): Promise<T> {
  const before = await tableCounts();
  const result = await attempt();
  expect(rowsChanged(before, await tableCounts(), ignore)).toEqual({});
  return result;
}

function withCookie(token: string): Client {
  const jar = new Client();
  jar.cookies.set(SESSION_COOKIE, token);
  jar.csrfToken = 'f'.repeat(64);
  return jar;
}

async function sessionCookieOf(therapist: { client: Client }): Promise<string> {
  const token = therapist.client.cookies.get(SESSION_COOKIE);
  if (!token) throw new Error('not signed in');
  return token;
}

describe('session cookies', () => {
  it('refuses a forged or over-long session cookie on the API and sends pages to sign-in, changing nothing', async () => {
    for (const token of [forged(), 'x'.repeat(400), '', '%00', '"><script>']) {
      const jar = withCookie(token);
      await unchanged(async () => {
        await expectErrorShape(await jar.fetch('/api/auth/session'), `session ${token.slice(0, 10)}`);
        await expectErrorShape(await jar.json('/api/clients', { displayName: 'Forged' }), 'create client');
        const dashboard = await jar.fetch('/dashboard');
        expect(dashboard.status).toBe(303);
        expect(dashboard.headers.get('location')).toBe('/login?next=%2Fdashboard');
      });
    }
  });

  it('refuses a session idle for longer than 30 minutes and removes only that dead session', async () => {
    const therapist = await signUpTherapist();
    const token = await sessionCookieOf(therapist);
    const userId = await userIdOf(therapist.email);
    await env.DB.prepare('UPDATE sessions SET last_seen_at = ? WHERE user_id = ?').bind(Date.now() - SESSION_IDLE_MS - 60_000, userId).run();
    const before = await tableCounts();
    const refused = await expectErrorShape(await withCookie(token).fetch('/api/auth/session'));
    expect(refused.code).toBe('UNAUTHENTICATED');
    await expectErrorShape(await therapist.client.json('/api/clients', { displayName: 'After timeout' }));
    expect(rowsChanged(before, await tableCounts())).toEqual({ sessions: -1 });
  });

  it('refuses a session older than 12 hours even when it was used a moment ago', async () => {
    const therapist = await signUpTherapist();
    const userId = await userIdOf(therapist.email);
    await env.DB.prepare('UPDATE sessions SET created_at = ?, last_seen_at = ? WHERE user_id = ?').bind(Date.now() - SESSION_ABSOLUTE_MS - 60_000, Date.now(), userId).run();
    await unchanged(async () => expect((await expectErrorShape(await therapist.client.fetch('/api/auth/session'))).code).toBe('UNAUTHENTICATED'), ['sessions']);
    expect(await env.DB.prepare('SELECT count(*) AS n FROM sessions WHERE user_id = ?').bind(userId).first('n')).toBe(0);
  });

  it('refuses the cookie of a session that was signed out (replayed after logout)', async () => {
    const therapist = await signUpTherapist();
    const token = await sessionCookieOf(therapist);
    expect((await therapist.client.json('/api/auth/logout', {})).status).toBe(204);
    await unchanged(async () => {
      await expectErrorShape(await withCookie(token).fetch('/api/auth/session'));
      await expectErrorShape(await withCookie(token).json('/api/clients', { displayName: 'Replayed' }));
    });
  });
});

const clientLinkRoutes = Object.entries(ROUTE_ACCESS)
  .filter(([, access]) => access === 'client-link')
  .map(([key]) => {
    const [method = 'GET', path = ''] = key.split(' ');
    return [key, method, path] as const;
  });

function openLink(method: string, path: string, token: string) {
  const url = path.replace(':token', token);
  return method === 'GET' ? request(url) : new Client().form(url, { scope: 'all', start: new Date(Date.now() + 86_400_000).toISOString() });
}

describe('the client’s manage link', () => {
  let deletedToken: string;

  beforeAll(async () => {
    const practice = await bookablePractice();
    const { email } = await bookedClient(practice);
    deletedToken = await manageTokenFor(email);
    const clientId = await env.DB.prepare('SELECT id FROM clients WHERE email = ?').bind(email).first<string>('id');
    expect((await practice.client.fetch(`/api/clients/${clientId}`, { method: 'DELETE', headers: { 'x-csrf-token': practice.client.csrfToken ?? '' } })).status).toBe(204);
  });

  it('covers every route behind the link', () => {
    expect(clientLinkRoutes.length).toBeGreaterThanOrEqual(6);
  });

  it.each(clientLinkRoutes)('%s answers a forged token with a 404 page and changes nothing', async (key, method, path) => {
    await unchanged(async () => expectErrorPage(await openLink(method, path, forged()), 404, key));
  });

  it.each(clientLinkRoutes)('%s answers the token of a deleted appointment with a 404 page and changes nothing', async (key, method, path) => {
    await unchanged(async () => expectErrorPage(await openLink(method, path, deletedToken), 404, key));
  });
});

describe('call join and report tokens', () => {
  let practice: Practice;
  let appointmentId: string;
  let claims: JoinClaims;
  /** The deployment's own signing secret (env.JOIN_TOKEN_SECRET, as the app's config reads it). */
  let secret: string;

  const upgrade = (token: string, room = appointmentId) =>
    request(`/api/calls/${room}/ws`, socketRequest(token, { name: 'K.' }));
  const report = (token: string, room = appointmentId) =>
    request(`/api/calls/${room}/report`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, event: 'connected' }) });

  beforeAll(async () => {
    secret = (await testDeps()).config.JOIN_TOKEN_SECRET;
    practice = await bookablePractice();
    const clientId = await createClient(practice, 'Call Client');
    ({ appointmentId } = await videoCallSoon(practice, clientId));
    claims = { use: 'join', room: appointmentId, role: 'client', participant: 'client', jti: 'attack-tokens-jti-1', exp: Date.now() + 60_000 };
  });

  it('refuses a token with a forged signature, one signed with another secret and one with edited claims', async () => {
    const genuine = await signJoinToken(claims, secret);
    const [payload = '', signature = ''] = genuine.split('.');
    const edited = btoa(JSON.stringify({ ...claims, role: 'therapist' })).replaceAll('=', '').replaceAll('+', '-').replaceAll('/', '_');
    const attempts = [`${payload}.${signature.slice(0, -4)}AAAA`, await signJoinToken(claims, 'not-the-secret-of-this-deployment'), `${edited}.${signature}`, genuine.replace('.', '..'), 'x'.repeat(3000)];
    await unchanged(async () => {
      for (const token of attempts) expect((await expectErrorShape(await upgrade(token), token.slice(0, 20))).code).toBe('UNAUTHENTICATED');
      // The over-long one fails the report's schema (422) before its signature is looked at.
      for (const token of attempts) expect(['UNAUTHENTICATED', 'VALIDATION_FAILED']).toContain((await expectErrorShape(await report(token), token.slice(0, 20))).code);
    });
  });

  it('refuses tokens signed with the real secret once they have expired', async () => {
    const expiredJoin = await signJoinToken({ ...claims, exp: Date.now() - 1000 }, secret);
    const expiredReport = await signJoinToken({ ...claims, use: 'report', exp: Date.now() - 1000 }, secret);
    await unchanged(async () => {
      expect((await expectErrorShape(await upgrade(expiredJoin))).message).toMatch(/expired/);
      await expectErrorShape(await report(expiredReport));
    });
  });

  it('refuses a report token at the socket, a join token for reports and a token for another room', async () => {
    const pass = await joinCall(appointmentId, {}, practice.client);
    const other = await videoCallSoon(practice, await createClient(practice, 'Other Client'), practice.video.id, 180);
    await unchanged(async () => {
      await expectErrorShape(await upgrade(pass.reportToken));
      await expectErrorShape(await report(pass.token));
      await expectErrorShape(await upgrade(pass.token, other.appointmentId));
      await expectErrorShape(await report(pass.reportToken, other.appointmentId));
    });
  });

  it('refuses a join token replayed after the room closed and records no call for it', async () => {
    const elsewhere = await bookablePractice();
    const late = await videoCallSoon(elsewhere, await createClient(elsewhere, 'Late Client'));
    const pass = await joinCall(late.appointmentId, { name: 'K.', code: late.code });
    // The appointment is moved three hours back: its room closed 100 minutes ago, while the two-minute token still runs.
    await env.DB.prepare('UPDATE appointments SET start_at = ?, end_at = ? WHERE id = ?').bind(Date.now() - 3 * 3_600_000, Date.now() - 130 * 60_000, late.appointmentId).run();
    await unchanged(async () => {
      const replay = await upgrade(pass.token, late.appointmentId);
      expect((await expectErrorShape(replay)).code).toBe('CONFLICT');
      const rejoin = await new Client().json(`/api/calls/${late.appointmentId}/join`, { name: 'K.', code: late.code });
      expect((await expectErrorShape(rejoin)).code).toBe('CONFLICT');
    });
    expect(await env.DB.prepare('SELECT count(*) AS n FROM call_metrics WHERE appointment_id = ?').bind(late.appointmentId).first('n')).toBe(0);
  });
});

describe('download links of access requests', () => {
  let email: string;
  let requestId: string;
  let dpo: Client;
  const DOWNLOAD = /\/rights\/download\/([\w-]{43})/g;

  async function newDownloadToken(): Promise<string> {
    const seen = new Set((await outbox()).flatMap((m) => [...m.text.matchAll(DOWNLOAD)].map((match) => match[1])));
    await dpoAct(dpo, requestId, 'download-link', { format: 'json' });
    for (let attempt = 0; attempt < 50; attempt++) {
      const fresh = (await outbox()).flatMap((m) => (m.to === email ? [...m.text.matchAll(DOWNLOAD)].map((match) => match[1]) : [])).find((t) => t && !seen.has(t));
      if (fresh) return fresh;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('no download link was mailed');
  }

  beforeAll(async () => {
    dpo = await asDpo();
    const practice = await bookablePractice();
    ({ email } = await bookedClient(practice));
    const token = await requestRights(practice, email, ['access']);
    expect((await new Client().form(`/rights/verify/${token}`, {})).status).toBe(200);
    requestId = await latestRequestId(email);
    await dpoAct(dpo, requestId, 'start');
  });

  it('shows the link’s page as often as it is opened, serves the download once and refuses it the second time', async () => {
    const token = await newDownloadToken();
    const usedAt = async () => env.DB.prepare('SELECT used_at FROM download_links WHERE token_hash = ?').bind(await hashToken(token)).first('used_at');
    await unchanged(async () => {
      for (const opened of [1, 2]) expect((await request(`/rights/download/${token}`)).status, `opened ${opened}×`).toBe(200);
    });
    expect(await usedAt()).toBeNull();
    const first = await new Client().form(`/rights/download/${token}`, {});
    expect(first.status).toBe(200);
    expect(first.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(await usedAt()).not.toBeNull();
    await unchanged(async () => {
      await expectErrorPage(await new Client().form(`/rights/download/${token}`, {}), 404);
      await expectErrorPage(await request(`/rights/download/${token}`), 404);
    });
  });

  it('refuses an expired link and leaves it unused', async () => {
    const token = await newDownloadToken();
    await env.DB.prepare('UPDATE download_links SET expires_at = ? WHERE token_hash = ?').bind(Date.now() - 1000, await hashToken(token)).run();
    await unchanged(async () => {
      await expectErrorPage(await request(`/rights/download/${token}`), 404);
      await expectErrorPage(await new Client().form(`/rights/download/${token}`, {}), 404);
    });
    expect(await env.DB.prepare('SELECT used_at FROM download_links WHERE token_hash = ?').bind(await hashToken(token)).first('used_at')).toBeNull();
  });

  it('refuses forged and malformed links', async () => {
    await unchanged(async () => {
      for (const token of [forged(), 'short', 'x'.repeat(300), '%3Cscript%3E']) {
        await expectErrorPage(await request(`/rights/download/${token}`), 404, token);
        await expectErrorPage(await new Client().form(`/rights/download/${token}`, {}), 404, token);
      }
    });
  });
});

describe('verification links of rights requests', () => {
  let practice: Practice;
  let email: string;

  beforeAll(async () => {
    practice = await bookablePractice();
    ({ email } = await bookedClient(practice));
  });

  const verify = (token: string, method: 'GET' | 'POST') => (method === 'GET' ? request(`/rights/verify/${token}`) : new Client().form(`/rights/verify/${token}`, {}));

  it('confirms once and refuses the same link when it is opened or pressed again', async () => {
    const token = await requestRights(practice, email, ['access']);
    expect((await verify(token, 'POST')).status).toBe(200);
    await unchanged(async () => {
      await expectErrorPage(await verify(token, 'GET'), 404);
      await expectErrorPage(await verify(token, 'POST'), 404);
    });
  });

  it('refuses an expired link and leaves the request unconfirmed', async () => {
    const token = await requestRights(practice, email, ['export']);
    const id = await latestRequestId(email);
    await env.DB.prepare('UPDATE rights_requests SET verify_expires_at = ? WHERE id = ?').bind(Date.now() - 1000, id).run();
    await unchanged(async () => {
      await expectErrorPage(await verify(token, 'GET'), 404);
      await expectErrorPage(await verify(token, 'POST'), 404);
    });
    expect(await env.DB.prepare('SELECT status FROM rights_requests WHERE id = ?').bind(id).first('status')).toBe('awaiting_verification');
  });

  it('refuses forged and malformed links', async () => {
    await unchanged(async () => {
      for (const token of [forged(), 'short', 'x'.repeat(200)]) {
        await expectErrorPage(await verify(token, 'GET'), 404, token);
        await expectErrorPage(await verify(token, 'POST'), 404, token);
      }
    });
  });
});

describe('password reset links', () => {
  const RESET = /reset-password\?token=([\w%-]+)/;

  async function resetToken(email: string): Promise<string> {
    expect((await new Client().json('/api/auth/password-reset', { email })).status).toBe(202);
    return decodeURIComponent(RESET.exec((await mailTo(email, RESET)).text)?.[1] ?? '');
  }

  it('sets a new password once and refuses the same link again, through the API and the form', async () => {
    const therapist = await signUpTherapist();
    const token = await resetToken(therapist.email);
    expect((await new Client().json('/api/auth/password-reset/complete', { token, password: 'first new password 1' })).status).toBe(200);
    await unchanged(async () => {
      expect((await expectErrorShape(await new Client().json('/api/auth/password-reset/complete', { token, password: 'second new password 2' }))).code).toBe('BAD_REQUEST');
      await expectErrorPage(await new Client().form('/reset-password', { token, password: 'third new password 3' }), 400);
      await expectErrorPage(await request(`/reset-password?token=${encodeURIComponent(token)}`), 400);
    });
    expect((await logIn(therapist.email, 'first new password 1')).response.status).toBe(200);
  });

  it('refuses an expired link and a forged one, and the password stays as it was', async () => {
    const therapist = await signUpTherapist();
    const token = await resetToken(therapist.email);
    await env.DB.prepare('UPDATE password_resets SET expires_at = ? WHERE token_hash = ?').bind(Date.now() - 1000, await hashToken(token)).run();
    await unchanged(async () => {
      for (const attempt of [token, forged()]) {
        await expectErrorShape(await new Client().json('/api/auth/password-reset/complete', { token: attempt, password: 'a brand new password' }));
        await expectErrorPage(await new Client().form('/reset-password', { token: attempt, password: 'a brand new password' }), 400);
      }
    });
    expect((await logIn(therapist.email, therapist.password)).response.status).toBe(200);
  });
});
