import type { RoomMessage } from '../../workers/rooms/protocol';
import { conns, el, RENEW_MS, ROLE, root, state, t, transceiversOf, video, type Conn } from './call-context';
import { local, localStream } from './call-media';
import { applyLevel, forgetLastSample, markConnected, markDisconnected, report, sampleQuality } from './call-quality';
import { send, socketOpen } from './call-room';
import { say, setView } from './call-view';

/**
 * Part of /static/call.js: the peer connections.
 *
 * - Only the therapist makes offers, so there is no glare. Each peer connection has a `generation`; every offer,
 *   answer and candidate carries it, and each side routes it to that connection.
 * - Key renewal, make-before-break: every RENEW_MS the therapist negotiates a new connection (new DTLS handshake,
 *   so new SRTP keys) over the same socket while the old one carries media, shows the new one once it is connected
 *   and then closes the old one. The client treats an offer of a generation it has not seen as such a new
 *   connection, which also covers either side reloading or rejoining.
 * - Network changes: on ICE 'disconnected' (after a grace period) or 'failed' the therapist restarts ICE on the same
 *   connection; if that does not bring it back, a new generation follows.
 * - Quality and reports: call-quality.ts.
 */
type Signal = Extract<RoomMessage, { type: 'offer' | 'answer' | 'ice' }>;

const ICE_GRACE_MS = 2000;
const RESTART_TIMEOUT_MS = 10000;
const CONNECT_TIMEOUT_MS = 30000;
const RETIRE_DELAY_MS = 2500; // lets the other side switch over too before the old connection goes
const STATS_MS = 2000;
const STEP_TIMEOUT_MS = 15000;

const retired = new Set<number>();
const shown = new MediaStream();
let connOrder = 0;
// A fresh page starts far from its predecessor's numbers, so a reloaded therapist never reuses a live generation.
let nextGeneration = Math.floor(Date.now() / 1000) % 900000;
let inbox: Promise<unknown> = Promise.resolve();
let renewTimer = 0;
let statsTimer = 0;

/** Negotiation steps run one at a time, in the order they arrived; one that hangs must not stall the rest. */
export function enqueue(task: () => Promise<unknown> | void) {
  const step = () => Promise.race([task(), new Promise((_resolve, reject) => setTimeout(() => reject(new Error('timeout')), STEP_TIMEOUT_MS))]);
  inbox = inbox.then(step).catch((error: unknown) => {
    root.dataset.lastError = error instanceof Error && error.message ? error.message.slice(0, 80) : 'Error';
  });
}

export const hasCall = () => conns.size > 0;
export const callIsUp = () => !!state.active && state.active.pc.connectionState === 'connected';

function createConn(generation: number) {
  const pc = new RTCPeerConnection({ iceServers: state.iceServers, bundlePolicy: 'max-bundle' });
  const conn: Conn = { generation, pc, order: ++connOrder, remote: new MediaStream(), pendingIce: [], restartTimer: 0, giveUpTimer: 0 };
  conns.set(generation, conn);
  pc.addEventListener('track', (event) => {
    conn.remote.addTrack(event.track);
    if (conn === state.active) showRemote();
  });
  pc.addEventListener('icecandidate', (event) => {
    const c = event.candidate;
    if (c && c.candidate) send({ type: 'ice', generation, candidate: { candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex } });
  });
  pc.addEventListener('connectionstatechange', () => onConnectionState(conn));
  pc.addEventListener('iceconnectionstatechange', () => onIceState(conn));
  conn.giveUpTimer = setTimeout(() => {
    if (conns.has(generation) && conn !== state.active) giveUp(conn);
  }, CONNECT_TIMEOUT_MS);
  return conn;
}

/** Therapist: a new connection with both media lines (sendrecv even without a device, so lines never change). */
export async function startGeneration() {
  if (ROLE !== 'therapist' || !state.peerHere || !socketOpen() || state.ending) return;
  nextGeneration = nextGeneration >= 1000000 ? 1 : nextGeneration + 1;
  const conn = createConn(nextGeneration);
  for (const kind of ['audio', 'video'] as const) conn.pc.addTransceiver(local[kind] || kind, { direction: 'sendrecv', streams: [localStream] });
  const offer = await conn.pc.createOffer();
  await conn.pc.setLocalDescription(offer);
  send({ type: 'offer', sdp: offer.sdp ?? '', generation: conn.generation });
}

async function attachLocalTracks(conn: Conn) {
  for (const kind of ['audio', 'video'] as const) {
    for (const transceiver of transceiversOf(conn, kind)) {
      transceiver.direction = 'sendrecv';
      await transceiver.sender.replaceTrack(local[kind]);
      if (transceiver.sender.setStreams) transceiver.sender.setStreams(localStream);
    }
  }
}

async function addIce(conn: Conn, candidate: RTCIceCandidateInit) {
  // A candidate the browser rejects (another network, a stale ICE generation, no media line named) is not worth failing over.
  await conn.pc.addIceCandidate(candidate).catch(() => {});
}

export async function onSignal(message: Signal) {
  let conn = conns.get(message.generation);
  if (message.type === 'offer') {
    if (ROLE !== 'client' || retired.has(message.generation) || state.ending) return;
    const fresh = !conn;
    state.peerHere = true;
    conn ??= createConn(message.generation);
    await conn.pc.setRemoteDescription({ type: 'offer', sdp: message.sdp });
    if (fresh) await attachLocalTracks(conn);
    const answer = await conn.pc.createAnswer();
    await conn.pc.setLocalDescription(answer);
    send({ type: 'answer', sdp: answer.sdp ?? '', generation: conn.generation });
  } else if (message.type === 'answer') {
    if (ROLE !== 'therapist' || !conn || conn.pc.signalingState !== 'have-local-offer') return;
    await conn.pc.setRemoteDescription({ type: 'answer', sdp: message.sdp });
  } else if (conn) {
    if (!conn.pc.remoteDescription) {
      if (conn.pendingIce.length < 64) conn.pendingIce.push(message.candidate);
      return;
    }
    return addIce(conn, message.candidate);
  }
  if (conn) {
    const pending = conn.pendingIce.splice(0);
    for (const candidate of pending) await addIce(conn, candidate);
  }
}

function onConnectionState(conn: Conn) {
  const connection = conn.pc.connectionState;
  if (connection === 'connected') {
    clearTimeout(conn.giveUpTimer);
    clearTimeout(conn.restartTimer);
    if (conn !== state.active) void promote(conn);
    else showConnected();
  } else if (conn === state.active && (connection === 'disconnected' || connection === 'failed')) {
    markDisconnected();
    if (connection === 'failed') report('failed');
    // Gone for good when the other side's socket has left too; otherwise it is the network, and it comes back.
    if (connection === 'failed' && !state.peerHere) return showPeerGone(t.clientLeft);
    setView('reconnecting');
    say(t.reconnecting);
  }
  if (conn === state.active) root.dataset.connection = connection;
}

function showConnected() {
  markConnected();
  if (state.view !== 'in-call') setView('in-call');
  say(state.peerHere ? t.inCall : t.peerAway);
}

function onIceState(conn: Conn) {
  if (ROLE !== 'therapist' || conn !== state.active) return;
  const ice = conn.pc.iceConnectionState;
  clearTimeout(conn.restartTimer);
  if (ice === 'failed') enqueue(() => restartIce(conn));
  else if (ice === 'disconnected') conn.restartTimer = setTimeout(() => enqueue(() => restartIce(conn)), ICE_GRACE_MS);
}

/** Therapist: new ICE credentials on the same connection (same keys), negotiated over the existing socket. */
async function restartIce(conn: Conn) {
  const ice = conn.pc.iceConnectionState;
  if (conn !== state.active || !state.peerHere || !socketOpen() || conn.pc.signalingState !== 'stable' || ice === 'connected' || ice === 'completed') return;
  const offer = await conn.pc.createOffer({ iceRestart: true });
  await conn.pc.setLocalDescription(offer);
  send({ type: 'offer', sdp: offer.sdp ?? '', generation: conn.generation });
  conn.restartTimer = setTimeout(() => {
    if (conn === state.active && conn.pc.connectionState !== 'connected') enqueue(startGeneration);
  }, RESTART_TIMEOUT_MS);
}

/**
 * A new connection is up: once its video decodes (so the picture does not go blank), show it, move quality control
 * to it, and close the ones it replaces.
 */
async function promote(conn: Conn) {
  if (conn.promoting) return;
  conn.promoting = true;
  if (state.active) await firstFrame(conn.remote);
  if (!conns.has(conn.generation) || (state.active && state.active.order > conn.order) || state.ending) return;
  state.active = conn;
  root.dataset.generation = String(conn.generation);
  root.dataset.connection = conn.pc.connectionState;
  showRemote();
  applyLevel(conn);
  showConnected();
  for (const other of conns.values()) {
    if (other.order < conn.order) setTimeout(() => retire(other), RETIRE_DELAY_MS);
  }
  if (!statsTimer) statsTimer = setInterval(sampleQuality, STATS_MS);
  if (ROLE === 'therapist') scheduleRenewal(RENEW_MS);
}

/** Resolves when the stream's video plays in a detached, muted element, or after two seconds (camera off). */
function firstFrame(stream: MediaStream) {
  const track = stream.getVideoTracks()[0];
  if (!track) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const probe = document.createElement('video');
    probe.muted = true;
    probe.srcObject = new MediaStream([track]);
    const done = () => {
      clearTimeout(timer);
      probe.srcObject = null;
      resolve();
    };
    const timer = setTimeout(done, 2000);
    probe.play().then(done, done);
  });
}

/** The other participant is gone and so is the media: the therapist's lobby, or the client's wait. */
export function showPeerGone(therapistText: string) {
  closeConnections();
  if (ROLE === 'therapist') {
    setView('lobby');
    say(therapistText);
  } else {
    setView('connecting');
    say(t.waitingForTherapist);
  }
}

function retire(conn: Conn) {
  clearTimeout(conn.giveUpTimer);
  clearTimeout(conn.restartTimer);
  conn.pc.close();
  conns.delete(conn.generation);
  retired.add(conn.generation);
  if (conn === state.active) state.active = null;
}

/** A connection that never connected. Renewals try again later; a first connection is negotiated anew. */
function giveUp(conn: Conn) {
  retire(conn);
  if (ROLE !== 'therapist') return;
  if (state.active) scheduleRenewal(Math.min(RENEW_MS, 30000));
  else if (state.peerHere) {
    report('failed');
    enqueue(startGeneration);
  }
}

export function closeConnections() {
  clearTimeout(renewTimer);
  clearInterval(statsTimer);
  statsTimer = 0;
  markDisconnected();
  for (const conn of [...conns.values()]) retire(conn);
  state.active = null;
  forgetLastSample();
  showRemote();
  delete root.dataset.connection;
}

function scheduleRenewal(delay: number) {
  clearTimeout(renewTimer);
  renewTimer = setTimeout(() => enqueue(renew), delay);
}

async function renew() {
  const pending = [...conns.values()].some((conn) => state.active && conn.order > state.active.order);
  if (!callIsUp() || !state.peerHere || !socketOpen() || pending) return scheduleRenewal(5000);
  await startGeneration();
}

/**
 * The remote video element keeps one stream whose tracks are exchanged in a single task, so a renewal swaps the
 * picture without reloading the element.
 */
function showRemote() {
  const remote = video('call-remote');
  const next = state.active ? state.active.remote.getTracks() : [];
  for (const track of shown.getTracks()) if (!next.includes(track)) shown.removeTrack(track);
  for (const track of next) if (!shown.getTracks().includes(track)) shown.addTrack(track);
  if (remote.srcObject === shown || !next.length) return;
  remote.srcObject = shown;
  remote.play().catch(() => {
    // Autoplay with sound was refused: play muted and offer a button (a click allows sound).
    remote.muted = true;
    remote.play().catch(() => {});
    el('call-sound').hidden = false;
  });
}
