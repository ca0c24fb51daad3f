import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { clientParticipantOf, participantState } from '../../workers/domain/room-rules';
import { CLOSE, MAX_MESSAGE_BYTES, RATE_BURST } from '../../workers/rooms/protocol';
import { answer, callInProgress, CLIENT, HOUR, ice, join, keyOf, offer, roomStub, storedEntries, THERAPIST, upgrade } from './call-room-support';

describe('joining a call room', () => {
  it('refuses a request that is not a WebSocket upgrade with 426', async () => {
    const response = await roomStub(crypto.randomUUID()).fetch('http://room/ws');
    expect(response.status).toBe(426);
    expect(await response.json()).toEqual({ error: { code: 'UPGRADE_REQUIRED', message: expect.any(String) } });
  });

  it('refuses an upgrade without valid participant headers with 400', async () => {
    const response = await upgrade(crypto.randomUUID(), { ...CLIENT, role: 'guest' as 'client' }, Date.now() + HOUR);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
  });

  it('refuses to open a room whose closing time has passed with 410, storing nothing', async () => {
    const room = crypto.randomUUID();
    const response = await upgrade(room, THERAPIST, Date.now() - 1);
    expect(response.status).toBe(410);
    expect(await response.json()).toMatchObject({ error: { code: 'ROOM_CLOSED' } });
    expect(await storedEntries(room)).toEqual({ entries: [], alarm: null });
  });

  it('welcomes the therapist, admitted and alone, with the closing time', async () => {
    const closesAt = Date.now() + HOUR;
    const therapist = await join(crypto.randomUUID(), THERAPIST, closesAt);
    expect(await therapist.next()).toEqual({ type: 'welcome', role: 'therapist', admitted: true, peerPresent: false, closesAt });
  });

  it('refuses a third participant with CLOSE.full and leaves the call as it was', async () => {
    const room = crypto.randomUUID();
    const { therapist, client } = await callInProgress(room);
    const intruder = await join(room, { role: 'client', participant: 'client:other', name: 'Someone' });
    expect(await intruder.closed).toEqual({ code: CLOSE.full, reason: 'This call already has two participants' });
    const secondTherapist = await join(room, { role: 'therapist', participant: 'therapist:2', name: 'Other' });
    expect((await secondTherapist.closed).code).toBe(CLOSE.full);
    therapist.send(offer);
    expect(await client.next()).toEqual(offer);
  });
});

describe('the waiting room', () => {
  it('keeps the client waiting and refuses signaling until the therapist admits them', async () => {
    const room = crypto.randomUUID();
    const client = await join(room, CLIENT);
    expect(await client.next()).toMatchObject({ type: 'welcome', role: 'client', admitted: false, peerPresent: false });
    const therapist = await join(room, THERAPIST);
    expect(await therapist.take(2)).toEqual([
      expect.objectContaining({ type: 'welcome', role: 'therapist', peerPresent: true }),
      { type: 'waiting', name: 'K. M.' },
    ]);

    client.send(offer);
    expect(await client.next()).toMatchObject({ type: 'error', code: 'not-admitted' });
    therapist.send(offer);
    expect(await therapist.next()).toMatchObject({ type: 'error', code: 'not-admitted' });

    therapist.send({ type: 'admit' });
    expect(await client.next()).toEqual({ type: 'admitted' });
    expect(await therapist.next()).toEqual({ type: 'admitted' });
    therapist.send(offer);
    expect(await client.next()).toEqual(offer);
    client.send(answer);
    client.send(ice);
    expect(await therapist.take(2)).toEqual([answer, ice]);
  });

  it('tells a therapist who is already there when a client arrives', async () => {
    const room = crypto.randomUUID();
    const therapist = await join(room, THERAPIST);
    await therapist.next();
    const client = await join(room, CLIENT);
    expect(await client.next()).toMatchObject({ type: 'welcome', admitted: false, peerPresent: true });
    expect(await therapist.next()).toEqual({ type: 'waiting', name: 'K. M.' });
  });

  it('does not let the client admit or deny', async () => {
    const room = crypto.randomUUID();
    const therapist = await join(room, THERAPIST);
    const client = await join(room, CLIENT);
    await client.next();
    client.send({ type: 'admit' });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'not-allowed' });
    client.send({ type: 'deny' });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'not-allowed' });
    expect(await therapist.take(2)).toEqual([expect.objectContaining({ type: 'welcome' }), { type: 'waiting', name: 'K. M.' }]);
    therapist.send(offer);
    expect(await therapist.next()).toMatchObject({ type: 'error', code: 'not-admitted' });
  });

  it('closes a denied client with CLOSE.denied and tells the therapist they left', async () => {
    const room = crypto.randomUUID();
    const therapist = await join(room, THERAPIST);
    const client = await join(room, CLIENT);
    await therapist.take(2);
    therapist.send({ type: 'deny' });
    expect((await client.closed).code).toBe(CLOSE.denied);
    expect(await therapist.next()).toEqual({ type: 'peer-left' });
  });

  it('takes an admission back when the therapist denies an admitted client, who then waits again', async () => {
    const room = crypto.randomUUID();
    const { therapist, client } = await callInProgress(room);
    therapist.send({ type: 'deny' });
    expect((await client.closed).code).toBe(CLOSE.denied);
    expect(await therapist.next()).toEqual({ type: 'peer-left' });
    expect((await storedEntries(room)).entries.map(([key]) => key)).toEqual(['closesAt', 'joins']);
    const again = await join(room, CLIENT);
    expect(await again.next()).toMatchObject({ type: 'welcome', admitted: false });
    expect(await therapist.next()).toEqual({ type: 'waiting', name: 'K. M.' });
  });
});

describe('during a call', () => {
  it('replaces the first tab of the same participant with CLOSE.replaced and keeps the admission', async () => {
    const room = crypto.randomUUID();
    const { therapist, client } = await callInProgress(room);
    const secondTab = await join(room, CLIENT);
    expect(await client.closed).toEqual({ code: CLOSE.replaced, reason: 'This call was opened in another tab' });
    expect(await secondTab.next()).toMatchObject({ type: 'welcome', role: 'client', admitted: true, peerPresent: true });
    expect(await therapist.next()).toEqual({ type: 'admitted' });
    therapist.send(offer);
    expect(await secondTab.next()).toEqual(offer);
    therapist.send({ type: 'ping' });
    expect(await therapist.next()).toEqual({ type: 'pong' });
  });

  it('answers invalid JSON, schema-invalid and oversized messages with errors and relays none of them', async () => {
    const { therapist, client } = await callInProgress(crypto.randomUUID());
    client.send('{"type":"offer",');
    client.send({ type: 'offer', sdp: '', generation: 1 });
    client.send({ type: 'chat', text: 'hello' });
    client.send({ ...answer, sdp: 'x'.repeat(MAX_MESSAGE_BYTES) });
    expect(await client.take(4)).toEqual([
      expect.objectContaining({ type: 'error', code: 'invalid-message' }),
      expect.objectContaining({ type: 'error', code: 'invalid-message' }),
      expect.objectContaining({ type: 'error', code: 'invalid-message' }),
      expect.objectContaining({ type: 'error', code: 'too-large' }),
    ]);
    client.send(answer);
    expect(await therapist.next()).toEqual(answer);
  });

  it('relays a hangup and keeps the sender connected', async () => {
    const { therapist, client } = await callInProgress(crypto.randomUUID());
    client.send({ type: 'hangup' });
    expect(await therapist.next()).toEqual({ type: 'hangup' });
    client.send({ type: 'ping' });
    expect(await client.next()).toEqual({ type: 'pong' });
  });

  describe('rate limit', () => {
    // The room and the tests share one isolate, so a frozen Date makes the token bucket deterministic.
    const frozenAt = Date.now();
    afterEach(() => vi.useRealTimers());

    it('drops messages over the rate limit without relaying them, and refills with time', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(frozenAt);
      const room = crypto.randomUUID();
      const { therapist, client } = await callInProgress(room);
      expect(await runInDurableObject(roomStub(room), () => Date.now())).toBe(frozenAt);
      for (let i = 0; i < RATE_BURST + 2; i++) client.send({ ...ice, generation: i });
      expect(await client.take(2)).toEqual([
        expect.objectContaining({ type: 'error', code: 'rate-limited' }),
        expect.objectContaining({ type: 'error', code: 'rate-limited' }),
      ]);
      const relayed = await therapist.take(RATE_BURST);
      expect(relayed.map((message) => (message.type === 'ice' ? message.generation : -1))).toEqual([...Array(RATE_BURST).keys()]);

      vi.setSystemTime(frozenAt + 1_000);
      client.send({ ...ice, generation: 1_000 });
      expect(await therapist.next()).toEqual({ ...ice, generation: 1_000 });
      expect(client.received).toBe(0);
    });

    it('closes a socket that keeps sending after three rate-limit errors in a row', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(frozenAt);
      const client = await join(crypto.randomUUID(), CLIENT);
      await client.next();
      for (let i = 0; i < RATE_BURST + 5; i++) client.send({ type: 'ping' });
      const replies = await client.take(RATE_BURST + 3);
      expect(replies.slice(0, RATE_BURST).every((message) => message.type === 'pong')).toBe(true);
      expect(replies.slice(RATE_BURST).map((message) => message.type === 'error' && message.code)).toEqual(['rate-limited', 'rate-limited', 'rate-limited']);
      expect(await client.closed).toEqual({ code: 1008, reason: 'Too many messages' });
      expect(client.received).toBe(0);
    });
  });

  it('tells the other participant when someone leaves, and keeps the admission until closing when both have left', async () => {
    const room = crypto.randomUUID();
    const { therapist, client } = await callInProgress(room);
    client.ws.close(1000, 'bye');
    expect(await therapist.next()).toEqual({ type: 'peer-left' });
    therapist.ws.close(1000, 'bye');
    await therapist.closed;
    expect((await storedEntries(room)).entries.map(([key]) => key)).toEqual(['admitted', 'closesAt', 'joins']);
    const back = await join(room, CLIENT);
    expect(await back.next()).toMatchObject({ type: 'welcome', admitted: true, peerPresent: false });
    expect(await runDurableObjectAlarm(roomStub(room))).toBe(true);
    expect((await back.closed).code).toBe(CLOSE.closed);
    expect(await storedEntries(room)).toEqual({ entries: [], alarm: null });
  });
});

describe('what the room keeps', () => {
  it('stores nothing but the closing time with an alarm for it, used join-token ids, and the hashed browser key of the admitted client', async () => {
    const room = crypto.randomUUID();
    const closesAt = Date.now() + HOUR;
    const therapist = await join(room, THERAPIST, closesAt);
    await therapist.next();
    const client = await join(room, CLIENT, closesAt);
    await client.next();
    await therapist.next();
    const joins = expect.objectContaining({});
    expect(await storedEntries(room)).toEqual({ entries: [['closesAt', closesAt], ['joins', joins]], alarm: closesAt });
    therapist.send({ type: 'admit' });
    await client.next();
    therapist.send(offer);
    await client.next();
    client.send(answer);
    await therapist.next();
    await therapist.next();
    const admitted = await clientParticipantOf(keyOf(CLIENT.participant));
    expect(await storedEntries(room)).toEqual({ entries: [['admitted', [admitted]], ['closesAt', closesAt], ['joins', joins]], alarm: closesAt });
    // Neither name, browser key nor signaling reaches storage: only a hash of the key.
    expect(JSON.stringify(await storedEntries(room))).not.toMatch(new RegExp(`K\\. M\\.|v=0|candidate|${keyOf(CLIENT.participant)}`));
  });

  it('closes every socket with CLOSE.closed when its alarm fires and leaves its storage empty', async () => {
    const room = crypto.randomUUID();
    const { therapist, client } = await callInProgress(room);
    expect(await runDurableObjectAlarm(roomStub(room))).toBe(true);
    expect((await therapist.closed).code).toBe(CLOSE.closed);
    expect((await client.closed).code).toBe(CLOSE.closed);
    expect(await storedEntries(room)).toEqual({ entries: [], alarm: null });
  });

  it('empties its storage in the alarm itself, without waiting for the sockets to answer their close', async () => {
    const room = crypto.randomUUID();
    const { therapist, client } = await callInProgress(room);
    const stored = await runInDurableObject(roomStub(room), async (instance, state) => {
      await instance.alarm();
      return { entries: [...(await state.storage.list()).entries()], alarm: await state.storage.getAlarm() };
    });
    expect(stored).toEqual({ entries: [], alarm: null });
    expect((await therapist.closed).code).toBe(CLOSE.closed);
    expect((await client.closed).code).toBe(CLOSE.closed);
  });

  it('routes by socket attachments after the object was evicted and its sockets hibernated', async () => {
    const room = crypto.randomUUID();
    const stub = roomStub(room);
    const therapist = await join(room, THERAPIST);
    const client = await join(room, CLIENT);
    await therapist.take(2);
    await client.next();
    await runInDurableObject(stub, (instance) => void Object.assign(instance, { liveInstance: true }));

    await evictDurableObject(stub);
    const attachments = await runInDurableObject(stub, (instance, state) => ({
      sameInstance: 'liveInstance' in instance,
      sockets: state.getWebSockets().map((ws) => participantState.parse(ws.deserializeAttachment())),
    }));
    expect(attachments.sameInstance).toBe(false);
    expect(attachments.sockets).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ role: 'therapist', participant: 'therapist:1', admitted: true }),
        expect.objectContaining({ role: 'client', participant: await clientParticipantOf(keyOf(CLIENT.participant)), name: 'K. M.', admitted: false }),
      ]),
    );

    client.send(offer);
    expect(await client.next()).toMatchObject({ type: 'error', code: 'not-admitted' });
    therapist.send({ type: 'admit' });
    expect(await client.next()).toEqual({ type: 'admitted' });
    expect(await therapist.next()).toEqual({ type: 'admitted' });

    await evictDurableObject(stub);
    therapist.send(offer);
    expect(await client.next()).toEqual(offer);
  });
});

describe('erasure', () => {
  it('ends any call and keeps nothing when the Worker purges the room', async () => {
    const stub = env.CALL_ROOM.get(env.CALL_ROOM.idFromName(`purge-${crypto.randomUUID()}`));
    const upgrade = await stub.fetch('http://room/ws', {
      headers: { Upgrade: 'websocket', 'x-room-role': 'therapist', 'x-participant': 'therapist:t', 'x-display-name': '', 'x-room-closes-at': String(Date.now() + 3_600_000), 'x-join-id': crypto.randomUUID() },
    });
    const socket = upgrade.webSocket;
    socket?.accept();
    const closed = new Promise<number>((resolve) => socket?.addEventListener('close', (event) => resolve(event.code)));
    await expect(stub.purge()).resolves.toBeUndefined();
    expect(await closed).toBe(CLOSE.closed);
    const keys = await runInDurableObject(stub, async (_instance, state) => [...(await state.storage.list()).keys()]);
    expect(keys).toEqual([]);
  });
});
