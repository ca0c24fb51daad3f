import { evictDurableObject, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { joinClaims } from '../../workers/domain/join-token';
import { answer, Browser, ice, offer, roomStub, socketRequest, storedEntries, videoCallSoon, welcomeOf } from './call-room-support';
import { Client, request } from './harness';

/**
 * A room restarted mid-call (a deploy, a crash, an eviction that drops its sockets) loses its instance and every
 * socket with its attachment; only storage survives. These tests go through the Worker with real join tokens, as the
 * call page does when its socket drops.
 */
const CLIENT_NAME = 'Kim Meyer';

const RESTARTS = [
  [
    'crashes (ctx.abort)',
    async (room: string) => {
      // abort() rejects the call that made it, and workerd logs the reason as an uncaught exception: that is the crash.
      await expect(runInDurableObject(roomStub(room), (_instance, state) => state.abort('restart under test'))).rejects.toThrow('restart under test');
    },
  ],
  ['is evicted with its sockets dropped', (room: string) => evictDurableObject(roomStub(room), { webSockets: 'close' })],
] as const;

type Call = Awaited<ReturnType<typeof videoCallSoon>>;

/** POST /join as the page does: the therapist by session, the client by name and access code. */
async function freshToken(call: Call, role: 'therapist' | 'client'): Promise<string> {
  const response =
    role === 'therapist'
      ? await call.practice.client.json(`/api/calls/${call.appointmentId}/join`, {})
      : await new Client().json(`/api/calls/${call.appointmentId}/join`, { name: CLIENT_NAME, code: call.code });
  expect(response.status).toBe(200);
  const { token } = await response.json<{ token: string }>();
  return token;
}

function participantOf(token: string): string {
  const [payload = ''] = token.split('.');
  const json = atob(payload.replaceAll('-', '+').replaceAll('_', '/'));
  return joinClaims.parse(JSON.parse(json)).participant;
}

/** Opens the room's socket as the page does: token, name and (when rejoining) the browser key in the handshake header. */
async function connect(call: Call, token: string, key?: string): Promise<Browser> {
  const response = await request(`/api/calls/${call.appointmentId}/ws`, socketRequest(token, { name: CLIENT_NAME, ...(key ? { key } : {}) }));
  expect(response.status).toBe(101);
  if (!response.webSocket) throw new Error('The Worker answered without a socket');
  return new Browser(response.webSocket);
}

/** Restarts the room, then proves the sockets dropped and the instance (with anything held in memory) is new. */
async function restart(room: string, how: (room: string) => Promise<void>, sockets: Browser[]): Promise<void> {
  await runInDurableObject(roomStub(room), (instance) => void Object.assign(instance, { liveInstance: true }));
  await how(room);
  for (const socket of sockets) expect((await socket.closed).code).toBe(1006);
  const after = await runInDurableObject(roomStub(room), (instance, state) => ({ sameInstance: 'liveInstance' in instance, sockets: state.getWebSockets().length }));
  expect(after).toEqual({ sameInstance: false, sockets: 0 });
}

describe('a call room that restarts mid-call', () => {
  it.each(RESTARTS)('lets the admitted client straight back into the call when the room %s', async (_how, how) => {
    const call = await videoCallSoon();
    const [therapistToken, clientToken] = [await freshToken(call, 'therapist'), await freshToken(call, 'client')];
    const therapist = await connect(call, therapistToken);
    await therapist.next();
    const client = await connect(call, clientToken);
    const { browserKey } = await welcomeOf(client);
    expect(await therapist.next()).toEqual({ type: 'waiting', name: CLIENT_NAME });
    therapist.send({ type: 'admit' });
    expect(await client.next()).toEqual({ type: 'admitted' });
    expect(await therapist.next()).toEqual({ type: 'admitted' });

    await restart(call.appointmentId, how, [therapist, client]);

    const [clientAgainToken, therapistAgainToken] = [await freshToken(call, 'client'), await freshToken(call, 'therapist')];
    expect(clientAgainToken).not.toBe(clientToken);
    expect(participantOf(clientAgainToken)).toBe(participantOf(clientToken));
    expect(participantOf(therapistAgainToken)).toBe(participantOf(therapistToken));
    const clientAgain = await connect(call, clientAgainToken, browserKey);
    expect(await clientAgain.next()).toMatchObject({ type: 'welcome', role: 'client', admitted: true, peerPresent: false, browserKey });
    const therapistAgain = await connect(call, therapistAgainToken);
    expect(await therapistAgain.take(2)).toEqual([expect.objectContaining({ type: 'welcome', role: 'therapist', peerPresent: true }), { type: 'admitted' }]);

    // Nobody sent `admit` after the restart, and signaling flows both ways again.
    therapistAgain.send(offer);
    expect(await clientAgain.next()).toEqual(offer);
    clientAgain.send(answer);
    clientAgain.send(ice);
    expect(await therapistAgain.take(2)).toEqual([answer, ice]);
    expect((await storedEntries(call.appointmentId)).entries.map(([key]) => key)).toEqual(['admitted', 'closesAt', 'joins']);
    // A join token used before the restart stays used after it.
    expect((await request(`/api/calls/${call.appointmentId}/ws`, socketRequest(clientToken, { name: CLIENT_NAME, key: browserKey }))).status).toBe(409);
  });

  it('keeps a client the therapist had not admitted before the restart in the waiting room', async () => {
    const call = await videoCallSoon();
    const therapist = await connect(call, await freshToken(call, 'therapist'));
    const client = await connect(call, await freshToken(call, 'client'));
    const { browserKey } = await welcomeOf(client);
    await therapist.take(2);
    const [crash] = RESTARTS;

    await restart(call.appointmentId, crash[1], [therapist, client]);

    const clientAgain = await connect(call, await freshToken(call, 'client'), browserKey);
    expect(await clientAgain.next()).toMatchObject({ type: 'welcome', role: 'client', admitted: false });
    const therapistAgain = await connect(call, await freshToken(call, 'therapist'));
    expect(await therapistAgain.take(2)).toEqual([expect.objectContaining({ type: 'welcome', peerPresent: true }), { type: 'waiting', name: CLIENT_NAME }]);
    clientAgain.send(offer);
    expect(await clientAgain.next()).toMatchObject({ type: 'error', code: 'not-admitted' });
    therapistAgain.send(offer);
    expect(await therapistAgain.next()).toMatchObject({ type: 'error', code: 'not-admitted' });
    expect((await storedEntries(call.appointmentId)).entries.map(([key]) => key)).toEqual(['closesAt', 'joins']);
  });
});
