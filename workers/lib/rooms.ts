import type { CallRooms, RoomSeat } from '../services/deps';
import type { AppConfig } from './config';

type Namespace<T extends Rpc.DurableObjectBranded | undefined> = DurableObjectNamespace<T>;

/**
 * The namespace to create room ids in: `jurisdiction('eu')` in deployed configuration so that rooms only ever run
 * in the EU (Art. 44 ff. GDPR); local workerd does not implement jurisdictions, so local config leaves it empty.
 */
export function roomNamespace<T extends Rpc.DurableObjectBranded | undefined>(namespace: Namespace<T>, config: Pick<AppConfig, 'DO_JURISDICTION'>): Namespace<T> {
  return config.DO_JURISDICTION ? namespace.jurisdiction(config.DO_JURISDICTION) : namespace;
}

/** The internal headers the room reads (workers/rooms/protocol.ts `participantHeaders`); nothing of the browser's. */
function seatHeaders(seat: RoomSeat): Record<string, string> {
  return {
    upgrade: 'websocket',
    'x-room-role': seat.role,
    'x-participant': seat.participant,
    'x-display-name': encodeURIComponent(seat.displayName),
    'x-room-closes-at': String(seat.closesAt),
    'x-join-id': seat.joinId,
    ...(seat.browserKey ? { 'x-browser-key': seat.browserKey } : {}),
  };
}

/**
 * The call rooms of the deployment. Purging is an RPC method of the room; connecting stays an HTTP upgrade, because
 * a WebSocket cannot cross an RPC call. A fresh request either way: no browser header (address, user agent) reaches
 * the room.
 */
export function callRoomGateway(env: Pick<Env, 'CALL_ROOM'>, config: Pick<AppConfig, 'DO_JURISDICTION'>): CallRooms {
  const namespace = roomNamespace(env.CALL_ROOM, config);
  const room = (appointmentId: string) => namespace.get(namespace.idFromName(appointmentId));
  return {
    connect: (appointmentId, seat) => room(appointmentId).fetch('https://room/ws', { headers: seatHeaders(seat) }),
    purge: (appointmentId) => room(appointmentId).purge(),
  };
}

/** The no-op twin for tests and Node scripts: records what would have been purged and refuses connections. */
export function recordingCallRooms(): CallRooms & { purged: string[] } {
  const purged: string[] = [];
  return {
    purged,
    connect: async () => Response.json({ error: { code: 'UNAVAILABLE', message: 'No call rooms in this environment' } }, { status: 503 }),
    purge: async (appointmentId) => void purged.push(appointmentId),
  };
}
