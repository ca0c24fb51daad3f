import * as z from 'zod';
import { browserKey as browserKeySchema, MAX_MESSAGE_BYTES, roomMessage, type ClientMessage, type RoomMessage } from '../../workers/rooms/protocol';
import { CALL_ID, jsonHeaders, ROLE, state, t, type Pass } from './call-context';

/**
 * Part of /static/call.js: joining and the room's WebSocket. A join (POST /join) gives a two-minute, single-use token
 * for the socket and a report token; a dropped socket is opened again with a fresh join, backing off up to ten
 * seconds. The token, the client's name and its browser key travel in the Sec-WebSocket-Protocol header, never in the
 * URL. Every frame from the room is parsed with the room's own schema (workers/rooms/protocol.ts).
 */
const PASS_FRESH_MS = 90000; // join tokens live two minutes; an older pass is renewed before opening a socket
const PING_MS = 20000;
const SILENCE_MS = 45000; // no message (not even a pong) for this long: the socket is dead even if not closed

// zod compiles parsers with `new Function` unless told not to; the page's CSP forbids eval, so it would only log a
// violation before falling back.
z.config({ jitless: true });

// The key the room handed this browser tab: kept in sessionStorage (this tab only, gone when it closes) so that a
// reload or a dropped socket comes back as the same browser; a typed name alone never does.
const KEY_SLOT = 'praxisraum-call-key:' + CALL_ID;
const isBrowserKey = (key: string) => browserKeySchema.safeParse(key).success;
let browserKey = readStoredKey();
// The call link key: only the emailed link carries it, in the fragment (#k=...), which never reaches a server. It
// goes with the join body so the client's code attempts count in a window strangers cannot fill; kept in
// sessionStorage (this tab only) so a reload without the fragment still has it.
const LINK_SLOT = 'praxisraum-call-link:' + CALL_ID;
const LINK_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
const linkKey = readLinkKey();
let reconnectAttempts = 0;
let lastHeard = 0;

/** What the page does with the room's messages, a closed socket and a join refused for good (call.ts). */
type RoomHandlers = { message: (message: RoomMessage) => void; closed: (code: number) => void; finalError: (text: string) => void };
let handlers: RoomHandlers = { message: () => {}, closed: () => {}, finalError: () => {} };

export function onRoom(next: RoomHandlers) {
  handlers = next;
}

function readLinkKey() {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('k') || '';
  try {
    if (LINK_PATTERN.test(fromHash)) {
      sessionStorage.setItem(LINK_SLOT, fromHash);
      return fromHash;
    }
    const stored = sessionStorage.getItem(LINK_SLOT) || '';
    return LINK_PATTERN.test(stored) ? stored : '';
  } catch {
    return LINK_PATTERN.test(fromHash) ? fromHash : '';
  }
}

function readStoredKey() {
  try {
    const stored = sessionStorage.getItem(KEY_SLOT) || '';
    return isBrowserKey(stored) ? stored : '';
  } catch {
    return '';
  }
}

export function keepKey(key: string | undefined) {
  if (ROLE !== 'client' || !key || !isBrowserKey(key) || key === browserKey) return;
  browserKey = key;
  try {
    sessionStorage.setItem(KEY_SLOT, key);
  } catch {
    // Storage refused (private mode): the key still lives in memory for reconnects on this page.
  }
}

function base64url(text: string) {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function handshakeProtocols(token: string) {
  const protocols = ['praxisraum.v1', 'jt.' + token];
  if (ROLE === 'client' && state.credentials) protocols.push('nm.' + base64url(state.credentials.name));
  if (ROLE === 'client' && browserKey) protocols.push('bk.' + browserKey);
  return protocols;
}

export class JoinError extends Error {
  constructor(
    readonly status: number,
    readonly fields: Record<string, unknown> = {},
  ) {
    super('join failed with ' + status);
  }
}

const iceServer = z.object({ urls: z.array(z.string()), username: z.string().optional(), credential: z.string().optional() });
const joinPass = z.object({ token: z.string(), reportToken: z.string(), closesAt: z.number(), iceServers: z.array(z.unknown()).catch([]) });
const joinRefusal = z.object({ error: z.object({ fields: z.record(z.string(), z.unknown()) }) });

/** The pass from POST /join; ICE servers that do not parse are left out, at most four with eight addresses each. */
function readPass(body: unknown): Pass | null {
  const parsed = joinPass.safeParse(body);
  if (!parsed.success) return null;
  const iceServers: RTCIceServer[] = [];
  for (const candidate of parsed.data.iceServers.slice(0, 4)) {
    const server = iceServer.safeParse(candidate);
    if (!server.success) continue;
    const { urls, username, credential } = server.data;
    iceServers.push(username !== undefined && credential !== undefined ? { urls: urls.slice(0, 8), username, credential } : { urls: urls.slice(0, 8) });
  }
  const { token, reportToken, closesAt } = parsed.data;
  return { token, reportToken, iceServers, closesAt, at: Date.now() };
}

export async function requestJoin(): Promise<Pass> {
  const body = ROLE === 'therapist' ? {} : linkKey ? { ...state.credentials, linkKey } : state.credentials;
  let response;
  try {
    response = await fetch('/api/calls/' + encodeURIComponent(CALL_ID) + '/join', {
      method: 'POST',
      headers: jsonHeaders(),
      body: JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new JoinError(0);
  }
  let data: unknown = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const refusal = joinRefusal.safeParse(data);
    throw new JoinError(response.status, refusal.success ? refusal.data.error.fields : {});
  }
  const read = readPass(data);
  if (!read) throw new JoinError(0);
  return read;
}

export function joinErrorText(error: unknown) {
  const status = error instanceof JoinError ? error.status : 0;
  const texts: Record<number, string> = { 401: ROLE === 'client' ? t.wrongCode : t.signedOut, 404: t.notFound, 409: t.notOpen, 422: t.invalidInput, 429: t.tooMany };
  return texts[status] || t.joinFailed;
}

/** Final answers end the page; anything else (network, a 5xx, a full attempt window) is worth another try. */
export function isFinalJoinError(error: unknown) {
  return error instanceof JoinError && [401, 403, 404, 409, 422].includes(error.status);
}

/** One frame from the room, parsed with the schema the room writes with; anything else is dropped. */
export function readRoomMessage(raw: unknown): RoomMessage | null {
  if (typeof raw !== 'string' || raw.length > MAX_MESSAGE_BYTES) return null;
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return null;
  }
  const parsed = roomMessage.safeParse(data);
  return parsed.success ? parsed.data : null;
}

export function send(message: ClientMessage) {
  if (!state.socket || state.socket.readyState !== WebSocket.OPEN) return false;
  state.socket.send(JSON.stringify(message));
  return true;
}

export const socketOpen = () => !!state.socket && state.socket.readyState === WebSocket.OPEN;

/** Joins (or reuses a fresh pass) and opens the room's socket; resolves whether it opened. */
export async function connectRoom() {
  clearTimeout(state.reconnectTimer);
  let current = state.pass && Date.now() - state.pass.at < PASS_FRESH_MS ? state.pass : null;
  state.pass = null;
  if (!current) current = await requestJoin();
  state.reportToken = current.reportToken;
  state.iceServers = current.iceServers;
  return openSocket(current.token);
}

function openSocket(token: string) {
  return new Promise<boolean>((resolve) => {
    const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    const ws = new WebSocket(scheme + location.host + '/api/calls/' + encodeURIComponent(CALL_ID) + '/ws', handshakeProtocols(token));
    state.socket = ws;
    let opened = false;
    ws.addEventListener('open', () => {
      opened = true;
      state.socketEverOpened = true;
      reconnectAttempts = 0;
      lastHeard = Date.now();
      startPing();
      resolve(true);
    });
    ws.addEventListener('message', (event) => {
      if (ws !== state.socket) return;
      lastHeard = Date.now();
      const message = readRoomMessage(event.data);
      if (message) handlers.message(message);
    });
    ws.addEventListener('close', (event) => {
      if (!opened) resolve(false);
      if (ws === state.socket) handlers.closed(event.code);
    });
  });
}

function startPing() {
  clearInterval(state.pingTimer);
  state.pingTimer = setInterval(() => {
    if (!state.socket) return;
    if (Date.now() - lastHeard > SILENCE_MS) {
      // Dead without a close frame (a network change): give it up and join again.
      const dead = state.socket;
      state.socket = null;
      dead.close();
      handlers.closed(1006);
      return;
    }
    send({ type: 'ping' });
  }, PING_MS);
}

export function scheduleReconnect() {
  clearTimeout(state.reconnectTimer);
  const delay = Math.min(10000, 500 * 2 ** reconnectAttempts);
  reconnectAttempts += 1;
  state.reconnectTimer = setTimeout(() => {
    connectRoom().catch((error: unknown) => {
      if (isFinalJoinError(error)) handlers.finalError(joinErrorText(error));
      else scheduleReconnect();
    });
  }, delay);
}
