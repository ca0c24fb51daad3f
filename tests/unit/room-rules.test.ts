import { describe, expect, it } from 'vitest';
import {
  announceArrival,
  decideJoin,
  fullBucket,
  MAX_REMEMBERED_ADMISSIONS,
  MAX_STRIKES,
  readAdmissions,
  readClientMessage,
  rememberAdmission,
  revokeAdmission,
  routeMessage,
  takeToken,
  type Seat,
} from '../../workers/domain/room-rules';
import { MAX_MESSAGE_BYTES, RATE_BURST, RATE_PER_SECOND } from '../../workers/rooms/protocol';

const NOW = Date.UTC(2026, 10, 24, 9, 0);
const therapist: Seat = { role: 'therapist', participant: 'therapist:1', admitted: true };
const waitingClient: Seat = { role: 'client', participant: 'client:km', admitted: false };
const admittedClient: Seat = { ...waitingClient, admitted: true };

describe('decideJoin', () => {
  it.each([
    ['the therapist joins an empty room', [], therapist, { action: 'accept', admitted: true }],
    ['a client joins an empty room and waits', [], waitingClient, { action: 'accept', admitted: false }],
    ['a client joins the therapist and waits', [therapist], waitingClient, { action: 'accept', admitted: false }],
    ['the therapist joins a waiting client', [waitingClient], therapist, { action: 'accept', admitted: true }],
    ['a second therapist is refused', [therapist, waitingClient], { role: 'therapist', participant: 'therapist:2' }, { action: 'refuse-full' }],
    ['a second client is refused', [therapist, admittedClient], { role: 'client', participant: 'client:other' }, { action: 'refuse-full' }],
    ['another client is refused even when the therapist is away', [waitingClient], { role: 'client', participant: 'client:other' }, { action: 'refuse-full' }],
  ] as const)('decides when %s', (_case, existing, joining, expected) => {
    expect(decideJoin(existing, joining, [])).toEqual(expected);
  });

  it.each([
    ['an admitted client comes back to an empty room (a restart dropped every socket)', [], waitingClient, { action: 'accept', admitted: true }],
    ['an admitted client comes back to the therapist', [therapist], waitingClient, { action: 'accept', admitted: true }],
    ['an admitted client replaces a tab the room had not admitted', [therapist, waitingClient], waitingClient, { action: 'accept', admitted: true, replace: 1 }],
    ['another client arrives while the admitted one is away', [therapist], { role: 'client', participant: 'client:other' }, { action: 'accept', admitted: false }],
    ['another client arrives while the admitted one holds the seat', [admittedClient], { role: 'client', participant: 'client:other' }, { action: 'refuse-full' }],
  ] as const)('remembers admissions when %s', (_case, existing, joining, expected) => {
    expect(decideJoin(existing, joining, ['client:km'])).toEqual(expected);
  });

  it('lets the same client replace their own tab and keep their admission', () => {
    expect(decideJoin([therapist, admittedClient], { role: 'client', participant: 'client:km' }, [])).toEqual({ action: 'accept', admitted: true, replace: 1 });
  });

  it('keeps a replacing client in the waiting room when they were not admitted yet', () => {
    expect(decideJoin([waitingClient, therapist], { role: 'client', participant: 'client:km' }, [])).toEqual({ action: 'accept', admitted: false, replace: 0 });
  });

  it('lets the same therapist replace their own tab', () => {
    expect(decideJoin([waitingClient, therapist], { role: 'therapist', participant: 'therapist:1' }, [])).toEqual({ action: 'accept', admitted: true, replace: 1 });
  });

  it('lets the admitted client’s own browser displace someone else who only waits in the client seat', () => {
    const stranger = { role: 'client', participant: 'client:stranger', admitted: false } as const;
    expect(decideJoin([therapist, stranger], { role: 'client', participant: 'client:km' }, ['client:km'])).toEqual({ action: 'accept', admitted: true, replace: 1, displace: true });
  });

  it('never lets an unknown browser displace anyone, nor a known one displace another admitted client', () => {
    const stranger = { role: 'client', participant: 'client:stranger', admitted: false } as const;
    expect(decideJoin([therapist, stranger], { role: 'client', participant: 'client:other' }, ['client:km'])).toEqual({ action: 'refuse-full' });
    expect(decideJoin([therapist, admittedClient], { role: 'client', participant: 'client:other' }, ['client:km', 'client:other'])).toEqual({ action: 'refuse-full' });
  });
});

describe('remembered admissions', () => {
  it('adds an admitted participant once, newest last', () => {
    expect(rememberAdmission([], 'client:km')).toEqual(['client:km']);
    expect(rememberAdmission(['client:km', 'client:b'], 'client:km')).toEqual(['client:b', 'client:km']);
  });

  it('forgets the oldest admission beyond the cap', () => {
    const full = Array.from({ length: MAX_REMEMBERED_ADMISSIONS }, (_, i) => `client:${i}`);
    const next = rememberAdmission(full, 'client:new');
    expect(next).toHaveLength(MAX_REMEMBERED_ADMISSIONS);
    expect(next).not.toContain('client:0');
    expect(next.at(-1)).toBe('client:new');
  });

  it('takes an admission back when the therapist denies the participant', () => {
    expect(revokeAdmission(['client:km', 'client:b'], 'client:km')).toEqual(['client:b']);
    expect(revokeAdmission(['client:b'], 'client:km')).toEqual(['client:b']);
  });

  it.each([
    ['nothing stored', undefined, []],
    ['a stored list', ['client:km'], ['client:km']],
    ['something that is not a list', 'client:km', []],
    ['a list with a non-string', ['client:km', 7], []],
    ['an empty id', [''], []],
    ['a list over the cap', Array.from({ length: MAX_REMEMBERED_ADMISSIONS + 1 }, (_, i) => `client:${i}`), []],
  ])('reads %s as the admissions it holds, and anything invalid as nobody admitted', (_case, stored, expected) => {
    expect(readAdmissions(stored)).toEqual(expected);
  });
});

describe('announceArrival', () => {
  const closesAt = NOW + 3_600_000;

  it('welcomes someone who is alone in the room', () => {
    expect(announceArrival({ ...therapist, name: 'Dr. T' }, undefined, closesAt)).toEqual({
      toJoining: [{ type: 'welcome', role: 'therapist', admitted: true, peerPresent: false, closesAt }],
      toPeer: [],
    });
  });

  it('tells the therapist the name of a client who arrives in the waiting room', () => {
    expect(announceArrival({ ...waitingClient, name: 'K. M.' }, { ...therapist, name: 'Dr. T' }, closesAt)).toEqual({
      toJoining: [{ type: 'welcome', role: 'client', admitted: false, peerPresent: true, closesAt }],
      toPeer: [{ type: 'waiting', name: 'K. M.' }],
    });
  });

  it('tells an arriving therapist, after the welcome, that a client is waiting', () => {
    expect(announceArrival({ ...therapist, name: 'Dr. T' }, { ...waitingClient, name: 'K. M.' }, closesAt).toJoining).toEqual([
      { type: 'welcome', role: 'therapist', admitted: true, peerPresent: true, closesAt },
      { type: 'waiting', name: 'K. M.' },
    ]);
  });

  it('tells the therapist that a reloaded, admitted client is in, so that they offer again', () => {
    expect(announceArrival({ ...admittedClient, name: 'K. M.' }, { ...therapist, name: 'Dr. T' }, closesAt).toPeer).toEqual([{ type: 'admitted' }]);
    expect(announceArrival({ ...therapist, name: 'Dr. T' }, { ...admittedClient, name: 'K. M.' }, closesAt).toJoining[1]).toEqual({ type: 'admitted' });
  });
});

describe('routeMessage', () => {
  const offer = { type: 'offer', sdp: 'v=0', generation: 1 } as const;

  it('relays signaling between the therapist and an admitted client', () => {
    expect(routeMessage(offer, therapist, admittedClient)).toEqual({ action: 'relay', message: offer });
    expect(routeMessage({ type: 'answer', sdp: 'v=0', generation: 1 }, admittedClient, therapist).action).toBe('relay');
    expect(routeMessage({ type: 'hangup' }, admittedClient, therapist).action).toBe('relay');
  });

  it('refuses signaling before the client is admitted, from either side', () => {
    expect(routeMessage(offer, therapist, waitingClient)).toMatchObject({ action: 'refuse', code: 'not-admitted' });
    expect(routeMessage(offer, waitingClient, therapist)).toMatchObject({ action: 'refuse', code: 'not-admitted' });
  });

  it('refuses signaling when the other participant is not there', () => {
    expect(routeMessage(offer, therapist, undefined)).toMatchObject({ action: 'refuse', code: 'not-admitted' });
  });

  it('lets only the therapist admit or deny', () => {
    expect(routeMessage({ type: 'admit' }, waitingClient, therapist)).toMatchObject({ action: 'refuse', code: 'not-allowed' });
    expect(routeMessage({ type: 'deny' }, waitingClient, therapist)).toMatchObject({ action: 'refuse', code: 'not-allowed' });
    expect(routeMessage({ type: 'admit' }, therapist, waitingClient)).toEqual({ action: 'admit' });
    expect(routeMessage({ type: 'deny' }, therapist, waitingClient)).toEqual({ action: 'deny' });
  });

  it('ignores admitting a client twice and refuses admitting nobody', () => {
    expect(routeMessage({ type: 'admit' }, therapist, admittedClient)).toEqual({ action: 'ignore' });
    expect(routeMessage({ type: 'admit' }, therapist, undefined)).toMatchObject({ action: 'refuse', code: 'not-allowed' });
  });

  it('answers a ping with a pong and ignores a hangup outside a call', () => {
    expect(routeMessage({ type: 'ping' }, waitingClient, undefined)).toEqual({ action: 'reply', message: { type: 'pong' } });
    expect(routeMessage({ type: 'hangup' }, waitingClient, therapist)).toEqual({ action: 'ignore' });
  });
});

function binaryFrame(text: string): ArrayBuffer {
  const bytes = new TextEncoder().encode(text);
  const frame = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(frame).set(bytes);
  return frame;
}

describe('readClientMessage', () => {
  it('reads a message of the protocol and drops fields the protocol does not know', () => {
    expect(readClientMessage(JSON.stringify({ type: 'offer', sdp: 'v=0', generation: 0, note: 'x' }))).toEqual({
      ok: true,
      message: { type: 'offer', sdp: 'v=0', generation: 0 },
    });
  });

  it.each([
    ['text that is not JSON', '{not json'],
    ['JSON of an unknown type', JSON.stringify({ type: 'chat', text: 'hi' })],
    ['a known type with invalid fields', JSON.stringify({ type: 'offer', sdp: '', generation: -1 })],
    ['a binary frame', binaryFrame('{"type":"ping"}')],
  ])('refuses %s as invalid', (_case, raw) => {
    expect(readClientMessage(raw)).toEqual({ ok: false, code: 'invalid-message' });
  });

  it('refuses a message over the size limit, counting bytes rather than characters', () => {
    const fits = JSON.stringify({ type: 'ping', pad: '' });
    const padding = 'ü'.repeat(Math.ceil((MAX_MESSAGE_BYTES - fits.length) / 2) + 1);
    expect(padding.length + fits.length).toBeLessThan(MAX_MESSAGE_BYTES);
    expect(readClientMessage(JSON.stringify({ type: 'ping', pad: padding }))).toEqual({ ok: false, code: 'too-large' });
    expect(readClientMessage(JSON.stringify({ type: 'ping', pad: 'a'.repeat(MAX_MESSAGE_BYTES - fits.length) }))).toEqual({ ok: true, message: { type: 'ping' } });
  });
});

describe('takeToken', () => {
  it('allows a full burst at once and refuses the next message', () => {
    let bucket = fullBucket(NOW);
    for (let i = 0; i < RATE_BURST; i++) {
      const result = takeToken(bucket, NOW);
      expect(result.verdict).toBe('allow');
      bucket = result.bucket;
    }
    expect(takeToken(bucket, NOW).verdict).toBe('limit');
  });

  it('refills at the configured rate, never beyond the burst', () => {
    const empty = { tokens: 0, refilledAt: NOW, strikes: 0 };
    expect(takeToken(empty, NOW + 1000 / RATE_PER_SECOND - 1).verdict).toBe('limit');
    expect(takeToken(empty, NOW + 1000 / RATE_PER_SECOND).verdict).toBe('allow');
    expect(takeToken(empty, NOW + 3_600_000).bucket.tokens).toBe(RATE_BURST - 1);
  });

  it('disconnects after three limited messages in a row', () => {
    let bucket = { tokens: 0, refilledAt: NOW, strikes: 0 };
    const verdicts: string[] = [];
    for (let i = 0; i < MAX_STRIKES; i++) {
      const result = takeToken(bucket, NOW);
      verdicts.push(result.verdict);
      bucket = result.bucket;
    }
    expect(MAX_STRIKES).toBe(3);
    expect(verdicts).toEqual(['limit', 'limit', 'disconnect']);
  });

  it('forgives earlier strikes once a message passes', () => {
    const struck = { tokens: 0, refilledAt: NOW, strikes: MAX_STRIKES - 1 };
    const passed = takeToken(struck, NOW + 1000);
    expect(passed).toMatchObject({ verdict: 'allow', bucket: { strikes: 0 } });
    expect(takeToken({ ...passed.bucket, tokens: 0 }, NOW + 1000).verdict).toBe('limit');
  });

  it('does not mint tokens when the clock goes backwards', () => {
    expect(takeToken({ tokens: 0, refilledAt: NOW, strikes: 0 }, NOW - 60_000)).toEqual({
      verdict: 'limit',
      bucket: { tokens: 0, refilledAt: NOW, strikes: 1 },
    });
  });
});
