import type { CallMessages } from '../i18n/call';
import { byId, maybeById, pageRoot, readMessages } from './page-data';

/**
 * What every part of /static/call.js shares: the page's data attributes, element lookups and the state more than one
 * part reads or changes. Everything the module needs travels in data attributes (no inline script under the CSP).
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

export type View = 'loading' | 'join' | 'checking' | 'waiting' | 'lobby' | 'connecting' | 'in-call' | 'reconnecting' | 'ended';

/** A pass from POST /join: the socket's single-use token, the report token and the ICE servers. */
export type Pass = { token: string; reportToken: string; iceServers: RTCIceServer[]; closesAt: number; at: number };

export const state = {
  view: 'loading' as View,
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
};

export function jsonHeaders() {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (CSRF) headers['x-csrf-token'] = CSRF;
  return headers;
}
