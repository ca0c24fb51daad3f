import { describe, expect, it } from 'vitest';
import { callWindow, CLOSES_AFTER_MS, OPENS_BEFORE_MS, windowState } from '../../workers/domain/call-window';
import { accessCodeMatches, hashAccessCode } from '../../workers/domain/access-code';
import { signJoinToken, verifyJoinToken } from '../../workers/domain/join-token';
import { clientParticipantOf, spendJoin } from '../../workers/domain/room-rules';
import { sha256Hex } from '../../workers/lib/crypto';
import { iceServers, turnCredentials } from '../../workers/domain/turn';

const SECRET = 'a-test-secret-that-is-long-enough-123';
const NOW = Date.UTC(2026, 10, 24, 9, 0);

const claims = { use: 'join' as const, room: 'appt-1', role: 'client' as const, participant: 'client', jti: 'jti-0123456789abcdef', exp: NOW + 60_000 };

describe('join tokens', () => {

  it('verifies a token for its room before it expires', async () => {
    const token = await signJoinToken(claims, SECRET);
    expect(await verifyJoinToken(token, SECRET, { room: 'appt-1', now: NOW })).toEqual({ ok: true, claims });
  });

  it.each([
    ['expired', { room: 'appt-1', now: NOW + 60_000 }, SECRET],
    ['wrong-room', { room: 'appt-2', now: NOW }, SECRET],
    ['forged', { room: 'appt-1', now: NOW }, 'another-secret-that-is-long-enough-456'],
  ] as const)('refuses a token that is %s', async (reason, expected, secret) => {
    const token = await signJoinToken(claims, SECRET);
    expect(await verifyJoinToken(token, secret, expected)).toEqual({ ok: false, reason });
  });

  it('refuses a token whose claims were changed after signing', async () => {
    const [, signature] = (await signJoinToken(claims, SECRET)).split('.');
    const tampered = btoa(JSON.stringify({ ...claims, role: 'therapist' })).replaceAll('=', '');
    expect((await verifyJoinToken(`${tampered}.${signature}`, SECRET, { room: 'appt-1', now: NOW })).ok).toBe(false);
    expect(await verifyJoinToken('garbage', SECRET, { room: 'appt-1', now: NOW })).toEqual({ ok: false, reason: 'malformed' });
  });

  it('keeps report tokens from opening a room', async () => {
    const report = await signJoinToken({ ...claims, use: 'report' }, SECRET);
    expect((await verifyJoinToken(report, SECRET, { room: 'appt-1', now: NOW })).ok).toBe(false);
    expect((await verifyJoinToken(report, SECRET, { room: 'appt-1', now: NOW, use: 'report' })).ok).toBe(true);
  });
});

describe('what a join token carries', () => {
  it('refuses a token that carries a name, even when signed with the right secret', async () => {
    const withName = await signJoinToken({ ...claims, name: 'K. M.' } as typeof claims, SECRET);
    expect(await verifyJoinToken(withName, SECRET, { room: 'appt-1', now: NOW })).toEqual({ ok: false, reason: 'malformed' });
    const payload = (await signJoinToken(claims, SECRET)).split('.')[0] ?? '';
    expect(Object.keys(JSON.parse(atob(payload.replaceAll('-', '+').replaceAll('_', '/'))) as object).sort()).toEqual(['exp', 'jti', 'participant', 'role', 'room', 'use']);
  });
});

describe('browser keys and used join tokens in the room', () => {
  it('derives a client participant from the browser key only, never from a name', async () => {
    const id = await clientParticipantOf('k'.repeat(43));
    expect(id).toMatch(/^client:[0-9a-f]{64}$/);
    expect(await clientParticipantOf('k'.repeat(43))).toBe(id);
    expect(await clientParticipantOf('K'.repeat(43))).not.toBe(id);
  });

  it('spends a join token once and forgets spent ids once they expired', () => {
    const first = spendJoin(undefined, 'a', NOW, 1000);
    expect(first).toEqual({ a: NOW + 1000 });
    expect(spendJoin(first, 'a', NOW + 10, 1000)).toBe('replayed');
    expect(spendJoin(first, 'b', NOW + 2000, 1000)).toEqual({ b: NOW + 3000 });
    expect(spendJoin('garbage', 'a', NOW, 1000)).toEqual({ a: NOW + 1000 });
  });
});

describe('access codes at rest', () => {
  it('stores a salted keyed hash that checks the code in any case and grouping, and differs per appointment', async () => {
    const stored = await hashAccessCode('ABC-DEF-GHJ', SECRET);
    expect(stored).toMatch(/^hmac1\$[\w-]{22}\$[0-9a-f]{64}$/);
    expect(await hashAccessCode('ABC-DEF-GHJ', SECRET)).not.toBe(stored);
    expect(await accessCodeMatches('abc def ghj', stored, SECRET)).toEqual({ ok: true, legacy: false });
    expect(await accessCodeMatches('ABC-DEF-GHK', stored, SECRET)).toEqual({ ok: false, legacy: false });
    expect((await accessCodeMatches('ABC-DEF-GHJ', stored, 'another-secret-that-is-long-enough-456')).ok).toBe(false);
    expect(stored).not.toContain(await sha256Hex('token:ABCDEFGHJ'));
  });

  it('still accepts a code stored in the old unkeyed form and asks for it to be rewritten', async () => {
    const old = await sha256Hex('token:ABCDEFGHJ');
    expect(await accessCodeMatches('abc-def-ghj', old, SECRET)).toEqual({ ok: true, legacy: true });
    expect(await accessCodeMatches('abc-def-ghk', old, SECRET)).toEqual({ ok: false, legacy: false });
  });
});

describe('call window', () => {
  const appointment = { startAt: NOW, endAt: NOW + 50 * 60_000 };
  it.each([
    [NOW - OPENS_BEFORE_MS - 1, 'not-yet-open'],
    [NOW - OPENS_BEFORE_MS, 'open'],
    [appointment.endAt + CLOSES_AFTER_MS - 1, 'open'],
    [appointment.endAt + CLOSES_AFTER_MS, 'closed'],
  ] as const)('at %s the room is %s', (now, state) => {
    expect(windowState(callWindow(appointment), now)).toBe(state);
  });
});

describe('TURN REST credentials', () => {
  it('puts the expiry in the username and signs it with HMAC-SHA-1 (coturn use-auth-secret)', async () => {
    const { username, credential } = await turnCredentials('turn-shared-secret-123', NOW + 3_600_000, 'room');
    expect(username).toBe(`${Math.floor((NOW + 3_600_000) / 1000)}:room`);
    expect(atob(credential)).toHaveLength(20);
  });

  it('offers STUN only when no TURN secret is configured', async () => {
    expect(await iceServers({ stunUrls: ['stun:a'], turnUrls: ['turn:b'] }, NOW, 'x')).toEqual([{ urls: ['stun:a'] }]);
    const withTurn = await iceServers({ stunUrls: [], turnUrls: ['turn:b'], turnSecret: 'turn-shared-secret-123' }, NOW, 'x');
    expect(withTurn[0]).toMatchObject({ urls: ['turn:b'], username: expect.any(String), credential: expect.any(String) });
  });
});
