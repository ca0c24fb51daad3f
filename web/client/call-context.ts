import type { CallMessages } from '../i18n/call';
import { byId, maybeById, pageRoot, readMessages } from './page-data';

/**
 * What every part of /static/call.js shares: the page's data attributes, element lookups, the state more than one
 * part reads or changes, and the peer connections' senders. Everything the module needs travels in data attributes (no inline script under the CSP).
 */
export const root = pageRoot('call-app');
export const ROLE: 'therapist' | 'client' = root.dataset.role === 'therapist' ? 'therapist' : 'client';
export const CALL_ID = root.dataset.appointmentId || '';
export const CSRF = root.dataset.csrf || '';
// Make-before-break key renewal; the attribute exists so that a test can renew within seconds.
export const RENEW_MS = Math.max(2000, Number(root.dataset.renewMs) || 540000);
export const t = readMessages<CallMessages>(root.dataset.messages);

export const el = (id: string) => byId(id, HTMLElement);
export const maybeEl = (id: string) => maybeById(id, HTMLElement);
export const video = (id: string) => byId(id, HTMLVideoElement);

export type Kind = 'audio' | 'video';

/** One peer connection of the call; `generation` numbers it (call-rtc.ts). */
export type Conn = {
  generation: number;
  pc: RTCPeerConnection;
  order: number;
  remote: MediaStream;
  pendingIce: RTCIceCandidateInit[];
  restartTimer: number;
  giveUpTimer: number;
  promoting?: boolean;
};

export type View = 'loading' | 'join' | 'checking' | 'waiting' | 'lobby' | 'connecting' | 'in-call' | 'reconnecting' | 'ended';

/** A pass from POST /join: the socket's single-use token, the report token and the ICE servers. */
export type Pass = { token: string; reportToken: string; iceServers: RTCIceServer[]; closesAt: number; at: number };

export const state = {
  view: 'loading' as View,
  // The name of the client in the therapist's waiting room, as they typed it.
  waitingName: '',
  ending: false,
  // The other participant holds their seat (and, for the therapist, the client is admitted).
  peerHere: false,
  socket: null as WebSocket | null,
  socketEverOpened: false,
  reconnectTimer: 0,
  pingTimer: 0,
  pass: null as Pass | null,
  reportToken: '',
  iceServers: [] as RTCIceServer[],
  // The client's name and code, in memory only, to join again after a dropped socket.
  credentials: null as { name: string; code: string } | null,
  // The connection whose media is shown and whose quality is measured.
  active: null as Conn | null,
};

/** The peer connections by generation: the shown one, and during a renewal the one replacing it. */
export const conns = new Map<number, Conn>();

export function transceiversOf(conn: Conn, kind: Kind) {
  return conn.pc.getTransceivers().filter((transceiver) => transceiver.currentDirection !== 'stopped' && transceiver.receiver.track.kind === kind);
}

export function sendersOf(kind: Kind) {
  const senders: RTCRtpSender[] = [];
  for (const conn of conns.values()) for (const transceiver of transceiversOf(conn, kind)) senders.push(transceiver.sender);
  return senders;
}

export function jsonHeaders() {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (CSRF) headers['x-csrf-token'] = CSRF;
  return headers;
}
