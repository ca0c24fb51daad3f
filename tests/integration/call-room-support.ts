import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import { roomMessage, type RoomMessage } from '../../workers/rooms/protocol';
import { createClient, videoCallSoon as videoCallFor } from './attack-support';
import { bookablePractice } from './harness';

/** What the call tests share: a video appointment, browsers on the room's socket, the room's storage as a test sees it. */
export const HOUR = 3_600_000;
export const THERAPIST = { role: 'therapist', participant: 'therapist:1', name: 'Dr. Weber' } as const;
export const CLIENT = { role: 'client', participant: 'client:km', name: 'K. M.' } as const;
export const offer = { type: 'offer', sdp: 'v=0 offer', generation: 1 } as const;
export const answer = { type: 'answer', sdp: 'v=0 answer', generation: 1 } as const;
export const ice = { type: 'ice', generation: 1, candidate: { candidate: 'candidate:1 1 udp 1 192.0.2.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 } } as const;

export type Who = { role: 'therapist' | 'client'; participant: string; name: string };

/**
 * The handshake header the call page sends to open the room's socket: the protocol, the join token, the client's name
 * (base64url of UTF-8) and, when rejoining, the browser key the room handed out. Nothing of it goes in the URL.
 */
export function callProtocols(token: string, extra: { name?: string; key?: string } = {}): string {
  const name = extra.name === undefined ? [] : [`nm.${btoa(String.fromCharCode(...new TextEncoder().encode(extra.name))).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')}`];
  return ['praxisraum.v1', `jt.${token}`, ...name, ...(extra.key ? [`bk.${extra.key}`] : [])].join(', ');
}

/** The upgrade request for the room's socket, as the page sends it through the Worker. */
export function socketRequest(token: string, extra: { name?: string; key?: string; headers?: Record<string, string> } = {}): RequestInit {
  return { headers: { upgrade: 'websocket', 'sec-websocket-protocol': callProtocols(token, extra), ...extra.headers } };
}

/** A stable browser key per test participant, so that `client:km` twice is the same browser. */
export function keyOf(participant: string): string {
  return participant.replace(/[^A-Za-z0-9]/g, '').padEnd(43, 'K').slice(0, 43);
}

/** One browser's end of the socket: everything the room sends is parsed with the protocol's schema. */
export class Browser {
  private readonly raw: string[] = [];
  private wake: (() => void) | undefined;
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(readonly ws: WebSocket) {
    ws.accept();
    ws.addEventListener('message', (event) => {
      this.raw.push(typeof event.data === 'string' ? event.data : 'binary frame');
      this.wake?.();
    });
    this.closed = new Promise((resolve) => ws.addEventListener('close', (event) => resolve({ code: event.code, reason: event.reason })));
  }

  send(message: object | string): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  get received(): number {
    return this.raw.length;
  }

  async next(): Promise<RoomMessage> {
    // Counted in attempts, not by the clock: the rate-limit tests freeze Date.
    for (let attempt = 0; this.raw.length === 0; attempt++) {
      if (attempt > 40) throw new Error('No message from the room');
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 50);
      });
    }
    return roomMessage.parse(JSON.parse(this.raw.shift() ?? ''));
  }

  async take(count: number): Promise<RoomMessage[]> {
    const messages: RoomMessage[] = [];
    for (let i = 0; i < count; i++) messages.push(await this.next());
    return messages;
  }
}

/** Reads the welcome and the browser key the room handed a client in it. */
export async function welcomeOf(browser: Browser): Promise<{ admitted: boolean; browserKey: string }> {
  const welcome = await browser.next();
  if (welcome.type !== 'welcome' || welcome.browserKey === undefined) throw new Error(`Expected a client's welcome, got ${welcome.type}`);
  return { admitted: welcome.admitted, browserKey: welcome.browserKey };
}

export function roomStub(room: string) {
  return env.CALL_ROOM.get(env.CALL_ROOM.idFromName(room));
}

export function upgrade(room: string, who: Who, closesAt: number, extra: Record<string, string> = {}) {
  return roomStub(room).fetch('http://room/ws', {
    headers: {
      Upgrade: 'websocket',
      'x-room-role': who.role,
      'x-participant': who.participant,
      'x-display-name': encodeURIComponent(who.name),
      'x-room-closes-at': String(closesAt),
      'x-join-id': crypto.randomUUID(),
      ...(who.role === 'client' ? { 'x-browser-key': keyOf(who.participant) } : {}),
      ...extra,
    },
  });
}

export async function join(room: string, who: Who, closesAt = Date.now() + HOUR): Promise<Browser> {
  const response = await upgrade(room, who, closesAt);
  expect(response.status).toBe(101);
  if (!response.webSocket) throw new Error('The room answered without a socket');
  return new Browser(response.webSocket);
}

/** A room with the therapist and an admitted client, their welcome and admission messages already read. */
export async function callInProgress(room: string) {
  const therapist = await join(room, THERAPIST);
  await therapist.next();
  const client = await join(room, CLIENT);
  await client.next();
  await therapist.next();
  therapist.send({ type: 'admit' });
  expect(await client.next()).toEqual({ type: 'admitted' });
  expect(await therapist.next()).toEqual({ type: 'admitted' });
  return { therapist, client };
}

export function storedEntries(room: string) {
  return runInDurableObject(roomStub(room), async (_instance, state) => ({
    entries: [...(await state.storage.list()).entries()],
    alarm: await state.storage.getAlarm(),
  }));
}

/** A new practice with a video appointment starting in five minutes (its room is open), booked by hand. */
export async function videoCallSoon() {
  const practice = await bookablePractice();
  const call = await videoCallFor(practice, await createClient(practice, 'Video Client'));
  return { practice, ...call };
}
