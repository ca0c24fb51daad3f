import { DurableObject } from 'cloudflare:workers';
import {
  announceArrival,
  clientParticipantOf,
  decideJoin,
  fullBucket,
  participantState,
  readAdmissions,
  readClientMessage,
  rememberAdmission,
  revokeAdmission,
  routeMessage,
  spendJoin,
  takeToken,
  type ParticipantState,
} from '../domain/room-rules';
import { JOIN_TOKEN_TTL_MS } from '../domain/join-token';
import { randomToken } from '../lib/crypto';
import { CLOSE, participantHeaders, type RoomMessage } from './protocol';

/**
 * The room stores three keys, all deleted when it closes: when it closes; the pseudonymous ids of the client browsers
 * the therapist admitted (hashes of their browser keys), so that a restart (deploy, crash, eviction that drops the
 * sockets) does not send an admitted client back to the waiting room; and the ids of the join tokens already used, so
 * that a token opens one socket only. No SDP, messages, names, keys or addresses (Art. 5(1)(c) GDPR).
 */
const CLOSES_AT = 'closesAt';
const ADMITTED = 'admitted';
const JOINS = 'joins';
const HEADERS = ['x-room-role', 'x-participant', 'x-display-name', 'x-room-closes-at', 'x-join-id', 'x-browser-key'] as const;
/** RFC 6455 "policy violation": the socket kept sending after being told it was rate-limited. */
const CLOSE_POLICY = 1008;

type Occupant = { ws: WebSocket; state: ParticipantState };

/**
 * One object per video appointment, relaying signaling between its therapist and its client. The Worker verifies
 * the join token and forwards the upgrade with internal participant headers; the room trusts only those. Sockets use
 * the hibernation API and keep their state in attachments, so the object can be evicted mid-call; admissions are
 * also stored, because attachments are lost with the sockets when the object restarts. The closing time is an
 * alarm, not a timer. The rules live in domain/room-rules.ts; this class wires sockets and storage to them.
 */
export class CallRoom extends DurableObject<Env> {
  /**
   * Erasure (Art. 17), called over RPC through the Worker's call-room gateway: ends any call of the erased subject
   * and keeps nothing. Resolves only once storage and alarm are gone, so the erasure stops if it could not.
   */
  async purge(): Promise<void> {
    for (const ws of this.ctx.getWebSockets()) closeQuietly(ws, CLOSE.closed, 'This call is no longer available');
    await this.forget();
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('Upgrade')?.toLowerCase() !== 'websocket') {
      return errorResponse(426, 'UPGRADE_REQUIRED', 'Expected a WebSocket upgrade');
    }
    // Only the internal headers are read; nothing about the connection (such as its address) is.
    const parsed = participantHeaders.safeParse(Object.fromEntries(HEADERS.map((name) => [name, request.headers.get(name) ?? undefined])));
    if (!parsed.success) return errorResponse(400, 'BAD_REQUEST', 'Missing or invalid participant headers');
    const { 'x-room-role': role, 'x-display-name': name, 'x-room-closes-at': closesAt, 'x-join-id': joinId } = parsed.data;
    const now = Date.now();
    if (closesAt <= now) return errorResponse(410, 'ROOM_CLOSED', 'The time for this call is over');

    // A client is known by its browser key alone: the one it brings back, or a new one handed out in the welcome.
    // Hashed before the room's state is read: from here on only storage calls, which input gates keep in order.
    const browserKey = role === 'client' ? (parsed.data['x-browser-key'] ?? randomToken(32)) : undefined;
    const participant = browserKey === undefined ? parsed.data['x-participant'] : await clientParticipantOf(browserKey);

    // A join token opens one socket: a replayed one is refused before it can take or displace a seat.
    const spent = spendJoin(await this.ctx.storage.get(JOINS), joinId, now, JOIN_TOKEN_TTL_MS);
    if (spent === 'replayed') return errorResponse(409, 'TOKEN_USED', 'This join token was used already; join again');
    await this.ctx.storage.put({ [CLOSES_AT]: closesAt, [JOINS]: spent });
    await this.ctx.storage.setAlarm(closesAt);

    const occupants = this.occupants();
    const decision = decideJoin(occupants.map((o) => o.state), { role, participant }, await this.admissions());
    const { 0: client, 1: server } = new WebSocketPair();
    if (decision.action === 'refuse-full') {
      // Accepted outside the hibernation API so that the refused socket never counts as an occupant.
      server.accept();
      server.close(CLOSE.full, 'This call already has two participants');
      return new Response(null, { status: 101, webSocket: client });
    }

    const state: ParticipantState = { role, participant, name, admitted: decision.admitted, ...fullBucket(now) };
    this.ctx.acceptWebSocket(server, [role]);
    server.serializeAttachment(state);
    const replaced = decision.replace === undefined ? undefined : occupants[decision.replace];
    if (replaced && decision.displace) closeQuietly(replaced.ws, CLOSE.displaced, 'The client this seat belongs to came back');
    else if (replaced) closeQuietly(replaced.ws, CLOSE.replaced, 'This call was opened in another tab');

    const peer = occupants.find((o) => o.state.role !== role);
    const { toJoining, toPeer } = announceArrival(state, peer?.state, closesAt, browserKey);
    toJoining.forEach((message) => send(server, message));
    if (peer) toPeer.forEach((message) => send(peer.ws, message));
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    const state = readState(ws);
    if (!state || ws.readyState !== WebSocket.OPEN) return;

    const rate = takeToken(state, Date.now());
    ws.serializeAttachment({ ...state, ...rate.bucket });
    if (rate.verdict !== 'allow') {
      send(ws, { type: 'error', code: 'rate-limited', message: 'Too many messages; this one was dropped' });
      if (rate.verdict === 'disconnect') closeQuietly(ws, CLOSE_POLICY, 'Too many messages');
      return;
    }

    const read = readClientMessage(raw);
    if (!read.ok) {
      const message = read.code === 'too-large' ? 'The message is too large' : 'The message is not part of the protocol';
      send(ws, { type: 'error', code: read.code, message });
      return;
    }

    const peer = this.occupants().find((o) => o.ws !== ws && o.state.role !== state.role);
    const route = routeMessage(read.message, state, peer?.state);
    switch (route.action) {
      case 'reply':
        return send(ws, route.message);
      case 'relay':
        if (peer) send(peer.ws, route.message);
        return;
      case 'refuse':
        return send(ws, { type: 'error', code: route.code, message: route.message });
      case 'admit':
        if (peer) await this.admit(ws, peer);
        return;
      case 'deny':
        if (peer) await this.deny(peer);
        return;
      case 'ignore':
        return;
    }
  }

  override webSocketClose(ws: WebSocket): void {
    // Answer the close frame: the hibernation API does not do so by itself on every compatibility date.
    closeQuietly(ws, 1000, 'Goodbye');
    this.leave(ws);
  }

  override webSocketError(ws: WebSocket): void {
    this.leave(ws);
  }

  /** Closing time: everybody out, and nothing of the room remains. */
  override async alarm(): Promise<void> {
    for (const ws of this.ctx.getWebSockets()) closeQuietly(ws, CLOSE.closed, 'The time for this call is over');
    await this.forget();
  }

  /** Stored before anyone is told, so that an admission announced is one a restarted room still knows. */
  private async admit(therapist: WebSocket, client: Occupant): Promise<void> {
    await this.storeAdmissions(rememberAdmission(await this.admissions(), client.state.participant));
    client.ws.serializeAttachment({ ...client.state, admitted: true });
    send(client.ws, { type: 'admitted' });
    send(therapist, { type: 'admitted' });
  }

  /** Also takes back an earlier admission. The therapist hears `peer-left` once the socket has closed. */
  private async deny(client: Occupant): Promise<void> {
    await this.storeAdmissions(revokeAdmission(await this.admissions(), client.state.participant));
    closeQuietly(client.ws, CLOSE.denied, 'The therapist did not admit you to this call');
  }

  /**
   * Tells the remaining participant, unless the leaver's own new tab holds the seat. Storage stays until the alarm:
   * when both sockets drop at once (a network change on both sides) the admitted client must still walk back in.
   */
  private leave(ws: WebSocket): void {
    const left = readState(ws);
    const remaining = this.occupants().filter((o) => o.ws !== ws);
    if (left && !remaining.some((o) => o.state.role === left.role)) remaining.forEach((o) => send(o.ws, { type: 'peer-left' }));
  }

  private async admissions(): Promise<string[]> {
    return readAdmissions(await this.ctx.storage.get(ADMITTED));
  }

  private async storeAdmissions(admitted: string[]): Promise<void> {
    if (admitted.length === 0) await this.ctx.storage.delete(ADMITTED);
    else await this.ctx.storage.put(ADMITTED, admitted);
  }

  /** Deletes the closing time, the admissions and the alarm (deleteAll does not remove alarms): nothing remains. */
  private async forget(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }

  /** Sockets holding a seat: open, with a valid attachment. Closing sockets (replaced, denied) hold none. */
  private occupants(): Occupant[] {
    return this.ctx.getWebSockets().flatMap((ws) => {
      const state = ws.readyState === WebSocket.OPEN ? readState(ws) : undefined;
      return state ? [{ ws, state }] : [];
    });
  }
}

function readState(ws: WebSocket): ParticipantState | undefined {
  const parsed = participantState.safeParse(ws.deserializeAttachment());
  return parsed.success ? parsed.data : undefined;
}

function send(ws: WebSocket, message: RoomMessage): void {
  try {
    ws.send(JSON.stringify(message));
  } catch {
    // The socket closed in the meantime; its close handler tells the other side.
  }
}

function closeQuietly(ws: WebSocket, code: number, reason: string): void {
  try {
    ws.close(code, reason);
  } catch {
    // Already closed.
  }
}

function errorResponse(status: 400 | 409 | 410 | 426, code: 'BAD_REQUEST' | 'TOKEN_USED' | 'ROOM_CLOSED' | 'UPGRADE_REQUIRED', message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}
