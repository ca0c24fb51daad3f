import { describe, expect, it } from 'vitest';
import { callWindow, CLOSES_AFTER_MS, OPENS_BEFORE_MS, windowState } from '../../workers/domain/call-window';
import { clientParticipant, signJoinToken, verifyJoinToken } from '../../workers/domain/join-token';
import { sha256Hex } from '../../workers/lib/crypto';
import { iceServers, turnCredentials } from '../../workers/domain/turn';

const SECRET = 'a-test-secret-that-is-long-enough-123';
const NOW = Date.UTC(2026, 10, 24, 9, 0);

describe('join tokens', () => {
  const claims = { use: 'join' as const, room: 'appt-1', role: 'client' as const, participant: 'client:km', name: 'K. M.', exp: NOW + 60_000 };

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

describe('client participant ids', () => {
  it('gives the same name in the same room the same id, whatever its case and outer spaces', async () => {
    const id = await clientParticipant('appt-1', 'Kim Meyer', SECRET);
    expect(id).toMatch(/^client:[0-9a-f]{16}$/);
    expect(await clientParticipant('appt-1', '  kim meyer ', SECRET)).toBe(id);
  });

  it('gives another name, another room or another secret another id', async () => {
    const id = await clientParticipant('appt-1', 'Kim Meyer', SECRET);
    expect(await clientParticipant('appt-1', 'Kim Maier', SECRET)).not.toBe(id);
    expect(await clientParticipant('appt-2', 'Kim Meyer', SECRET)).not.toBe(id);
    expect(await clientParticipant('appt-1', 'Kim Meyer', 'another-secret-that-is-long-enough-456')).not.toBe(id);
  });

  it('is not a plain hash of the name, which a dictionary of names would reverse', async () => {
    const id = await clientParticipant('appt-1', 'Kim Meyer', SECRET);
    for (const plain of ['kim meyer', 'token:kim meyer', 'appt-1:kim meyer']) expect(id).not.toContain((await sha256Hex(plain)).slice(0, 16));
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
