import { describe, expect, it } from 'vitest';
import { CLOSE } from '../../workers/rooms/protocol';
import { Browser, offer, socketRequest, videoCallSoon, welcomeOf } from './call-room-support';
import { Client, request } from './harness';

/**
 * Someone who has the access code (a forwarded email, a shared screen) types the admitted client's name. Before, the
 * same name in any case or spacing gave the same participant, which displaced the client and was admitted without the
 * therapist. Now a client seat is known by the browser key the room handed out; a name proves nothing.
 */
const CLIENT_NAME = 'Kim Meyer';
type Call = Awaited<ReturnType<typeof videoCallSoon>>;

async function tokenFor(call: Call, role: 'therapist' | 'client', name = CLIENT_NAME): Promise<string> {
  const response = role === 'therapist' ? await call.practice.client.json(`/api/calls/${call.appointmentId}/join`, {}) : await new Client().json(`/api/calls/${call.appointmentId}/join`, { name, code: call.code });
  expect(response.status).toBe(200);
  return (await response.json<{ token: string }>()).token;
}

async function open(call: Call, token: string, name: string, key?: string): Promise<Browser> {
  const response = await request(`/api/calls/${call.appointmentId}/ws`, socketRequest(token, { name, ...(key ? { key } : {}) }));
  expect(response.status).toBe(101);
  if (!response.webSocket) throw new Error('no socket');
  return new Browser(response.webSocket);
}

/** The therapist in the room and the client admitted, through the Worker with real join tokens. */
async function admittedCall() {
  const call = await videoCallSoon();
  const therapist = await open(call, await tokenFor(call, 'therapist'), '');
  await therapist.next();
  const client = await open(call, await tokenFor(call, 'client'), CLIENT_NAME);
  const { browserKey } = await welcomeOf(client);
  expect(await therapist.next()).toEqual({ type: 'waiting', name: CLIENT_NAME });
  therapist.send({ type: 'admit' });
  expect(await client.next()).toEqual({ type: 'admitted' });
  expect(await therapist.next()).toEqual({ type: 'admitted' });
  return { call, therapist, client, browserKey };
}

describe('taking the client’s seat by typing their name', () => {
  it('is refused while the client is in the call, whatever the case and spacing of the name', async () => {
    const { call, therapist, client } = await admittedCall();
    for (const name of [CLIENT_NAME, '  kim   MEYER ', 'KIM MEYER']) {
      const intruder = await open(call, await tokenFor(call, 'client', name), name);
      expect((await intruder.closed).code).toBe(CLOSE.full);
    }
    therapist.send(offer);
    expect(await client.next()).toEqual(offer);
  });

  it('sends someone with the name but not the browser to the waiting room when the client’s socket dropped', async () => {
    const { call, therapist, client } = await admittedCall();
    client.ws.close(1000, 'network change');
    expect(await therapist.next()).toEqual({ type: 'peer-left' });
    const intruder = await open(call, await tokenFor(call, 'client', 'kim meyer'), 'kim meyer');
    expect(await welcomeOf(intruder)).toMatchObject({ admitted: false });
    expect(await therapist.next()).toEqual({ type: 'waiting', name: 'kim meyer' });
    intruder.send(offer);
    expect(await intruder.next()).toMatchObject({ type: 'error', code: 'not-admitted' });
    // A made-up browser key proves nothing either.
    intruder.ws.close(1000, 'again');
    expect(await therapist.next()).toEqual({ type: 'peer-left' });
    const guessed = await open(call, await tokenFor(call, 'client'), CLIENT_NAME, 'A'.repeat(43));
    expect(await welcomeOf(guessed)).toMatchObject({ admitted: false });
  });

  it('lets the client’s own browser back in straight away, moving a waiting stranger out of the seat', async () => {
    const { call, therapist, client, browserKey } = await admittedCall();
    client.ws.close(1000, 'network change');
    expect(await therapist.next()).toEqual({ type: 'peer-left' });
    const intruder = await open(call, await tokenFor(call, 'client', CLIENT_NAME), CLIENT_NAME);
    await intruder.next();
    expect(await therapist.next()).toMatchObject({ type: 'waiting' });
    const back = await open(call, await tokenFor(call, 'client'), CLIENT_NAME, browserKey);
    expect(await back.next()).toMatchObject({ type: 'welcome', admitted: true, peerPresent: true, browserKey });
    expect((await intruder.closed).code).toBe(CLOSE.displaced);
    expect(await therapist.next()).toEqual({ type: 'admitted' });
    therapist.send(offer);
    expect(await back.next()).toEqual(offer);
  });
});
