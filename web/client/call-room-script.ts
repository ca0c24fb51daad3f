/**
 * Part of /static/call.js (see call-script.ts): joining and the room's WebSocket. A join (POST /join) gives a
 * two-minute, single-use token for the socket and a report token; a dropped socket is opened again with a fresh join,
 * backing off up to ten seconds. The token, the client's name and its browser key travel in the Sec-WebSocket-Protocol
 * header, never in the URL. Every frame from the room is checked by hand before use.
 */
export const CALL_ROOM_SCRIPT = String.raw`// Video call: joining and the room's socket.
const PASS_FRESH_MS = 90000; // join tokens live two minutes; an older pass is renewed before opening a socket
const PING_MS = 20000;
const SILENCE_MS = 45000; // no message (not even a pong) for this long: the socket is dead even if not closed

let pass = null; // { token, reportToken, iceServers, closesAt, at }
let reportToken = '';
let iceServers = [];
let credentials = null; // the client's name and code, in memory only, to join again after a dropped socket
// The key the room handed this browser tab: kept in sessionStorage (this tab only, gone when it closes) so that a
// reload or a dropped socket comes back as the same browser; a typed name alone never does.
const KEY_SLOT = 'praxisraum-call-key:' + CALL_ID;
const KEY_PATTERN = /^[A-Za-z0-9_-]{43}$/;
let browserKey = readStoredKey();
// The call link key: only the emailed link carries it, in the fragment (#k=...), which never reaches a server. It
// goes with the join body so the client's code attempts count in a window strangers cannot fill; kept in
// sessionStorage (this tab only) so a reload without the fragment still has it.
const LINK_SLOT = 'praxisraum-call-link:' + CALL_ID;
const LINK_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
const linkKey = readLinkKey();

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
    return KEY_PATTERN.test(stored) ? stored : '';
  } catch {
    return '';
  }
}

function keepKey(key) {
  if (ROLE !== 'client' || !KEY_PATTERN.test(key) || key === browserKey) return;
  browserKey = key;
  try {
    sessionStorage.setItem(KEY_SLOT, key);
  } catch {
    // Storage refused (private mode): the key still lives in memory for reconnects on this page.
  }
}

function base64url(text) {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function handshakeProtocols(token) {
  const protocols = ['praxisraum.v1', 'jt.' + token];
  if (ROLE === 'client' && credentials) protocols.push('nm.' + base64url(credentials.name));
  if (ROLE === 'client' && browserKey) protocols.push('bk.' + browserKey);
  return protocols;
}
let socket = null;
let socketEverOpened = false;
let reconnectTimer = 0;
let reconnectAttempts = 0;
let pingTimer = 0;
let lastHeard = 0;

function jsonHeaders() {
  const headers = { 'content-type': 'application/json' };
  if (CSRF) headers['x-csrf-token'] = CSRF;
  return headers;
}

class JoinError extends Error {
  constructor(status, fields) {
    super('join failed with ' + status);
    this.status = status;
    this.fields = fields || {};
  }
}

/** The pass from POST /join, checked field by field: nothing from the network is used unchecked. */
function readPass(body) {
  if (!body || typeof body !== 'object') return null;
  if (typeof body.token !== 'string' || typeof body.reportToken !== 'string' || !Number.isFinite(body.closesAt)) return null;
  const servers = Array.isArray(body.iceServers) ? body.iceServers : [];
  const clean = [];
  for (const server of servers.slice(0, 4)) {
    if (!server || !Array.isArray(server.urls) || !server.urls.every((url) => typeof url === 'string')) continue;
    const entry = { urls: server.urls.slice(0, 8) };
    if (typeof server.username === 'string' && typeof server.credential === 'string') {
      entry.username = server.username;
      entry.credential = server.credential;
    }
    clean.push(entry);
  }
  return { token: body.token, reportToken: body.reportToken, iceServers: clean, closesAt: body.closesAt, at: Date.now() };
}

async function requestJoin() {
  const body = ROLE === 'therapist' ? {} : linkKey ? { ...credentials, linkKey } : credentials;
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
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const fields = data && data.error && typeof data.error.fields === 'object' ? data.error.fields : {};
    throw new JoinError(response.status, fields);
  }
  const read = readPass(data);
  if (!read) throw new JoinError(0);
  return read;
}

function joinErrorText(error) {
  const status = error instanceof JoinError ? error.status : 0;
  const texts = { 401: ROLE === 'client' ? t.wrongCode : t.signedOut, 404: t.notFound, 409: t.notOpen, 422: t.invalidInput, 429: t.tooMany };
  return texts[status] || t.joinFailed;
}

/** Final answers end the page; anything else (network, a 5xx, a full attempt window) is worth another try. */
function isFinalJoinError(error) {
  return error instanceof JoinError && [401, 403, 404, 409, 422].includes(error.status);
}

const ROOM_TYPES = new Set(['welcome', 'waiting', 'admitted', 'peer-left', 'offer', 'answer', 'ice', 'hangup', 'pong', 'error']);
const isGeneration = (value) => Number.isInteger(value) && value >= 0 && value <= 1000000;

/**
 * Reads one frame from the room. The room validates what it relays, but the page checks again by hand (plain
 * JavaScript, no zod here): unknown types and wrong shapes are dropped, and only the checked fields are kept.
 */
function readRoomMessage(raw) {
  if (typeof raw !== 'string' || raw.length > 16384) return null;
  let data;
  try {
    data = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!data || typeof data !== 'object' || Array.isArray(data) || typeof data.type !== 'string' || !ROOM_TYPES.has(data.type)) return null;
  const type = data.type;
  switch (type) {
    case 'welcome':
      if ((data.role !== 'therapist' && data.role !== 'client') || typeof data.admitted !== 'boolean' || typeof data.peerPresent !== 'boolean') return null;
      return {
        type,
        role: data.role,
        admitted: data.admitted,
        peerPresent: data.peerPresent,
        closesAt: Number(data.closesAt) || 0,
        browserKey: typeof data.browserKey === 'string' && KEY_PATTERN.test(data.browserKey) ? data.browserKey : '',
      };
    case 'waiting':
      return typeof data.name === 'string' ? { type, name: data.name.slice(0, 80) } : null;
    case 'offer':
    case 'answer':
      if (!isGeneration(data.generation) || typeof data.sdp !== 'string' || !data.sdp || data.sdp.length > 12000) return null;
      return { type, sdp: data.sdp, generation: data.generation };
    case 'ice': {
      const c = data.candidate;
      if (!isGeneration(data.generation) || !c || typeof c !== 'object' || typeof c.candidate !== 'string' || c.candidate.length > 1000) return null;
      const sdpMid = typeof c.sdpMid === 'string' ? c.sdpMid.slice(0, 64) : null;
      const sdpMLineIndex = Number.isInteger(c.sdpMLineIndex) ? c.sdpMLineIndex : null;
      if (sdpMid === null && sdpMLineIndex === null) return null;
      return { type, generation: data.generation, candidate: { candidate: c.candidate, sdpMid, sdpMLineIndex } };
    }
    case 'error':
      return { type, code: typeof data.code === 'string' ? data.code.slice(0, 40) : 'unknown' };
    default:
      return { type };
  }
}

function send(message) {
  if (!socket || socket.readyState !== WebSocket.OPEN) return false;
  socket.send(JSON.stringify(message));
  return true;
}

const socketOpen = () => !!socket && socket.readyState === WebSocket.OPEN;

/** Joins (or reuses a fresh pass) and opens the room's socket; resolves whether it opened. */
async function connectRoom() {
  clearTimeout(reconnectTimer);
  let current = pass && Date.now() - pass.at < PASS_FRESH_MS ? pass : null;
  pass = null;
  if (!current) current = await requestJoin();
  reportToken = current.reportToken;
  iceServers = current.iceServers;
  return openSocket(current.token);
}

function openSocket(token) {
  return new Promise((resolve) => {
    const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    const ws = new WebSocket(scheme + location.host + '/api/calls/' + encodeURIComponent(CALL_ID) + '/ws', handshakeProtocols(token));
    socket = ws;
    let opened = false;
    ws.addEventListener('open', () => {
      opened = true;
      socketEverOpened = true;
      reconnectAttempts = 0;
      lastHeard = Date.now();
      startPing();
      resolve(true);
    });
    ws.addEventListener('message', (event) => {
      if (ws !== socket) return;
      lastHeard = Date.now();
      const message = readRoomMessage(event.data);
      if (message) onRoomMessage(message);
    });
    ws.addEventListener('close', (event) => {
      if (!opened) resolve(false);
      if (ws === socket) onSocketClosed(event.code);
    });
  });
}

function startPing() {
  clearInterval(pingTimer);
  pingTimer = setInterval(() => {
    if (!socket) return;
    if (Date.now() - lastHeard > SILENCE_MS) {
      // Dead without a close frame (a network change): give it up and join again.
      const dead = socket;
      socket = null;
      dead.close();
      onSocketClosed(1006);
      return;
    }
    send({ type: 'ping' });
  }, PING_MS);
}

function scheduleReconnect() {
  clearTimeout(reconnectTimer);
  const delay = Math.min(10000, 500 * 2 ** reconnectAttempts);
  reconnectAttempts += 1;
  reconnectTimer = setTimeout(() => {
    connectRoom().catch((error) => {
      if (isFinalJoinError(error)) endCall(joinErrorText(error), false);
      else scheduleReconnect();
    });
  }, delay);
}
`;
