import { CALL_MEDIA_SCRIPT } from './call-media-script';
import { CALL_QUALITY_SCRIPT } from './call-quality-script';
import { CALL_ROOM_SCRIPT } from './call-room-script';
import { CALL_RTC_SCRIPT } from './call-rtc-script';

/**
 * The call page's browser module, served as /static/call.js (plain ES2022, no build step, no dependencies). Kept as
 * strings so it bundles identically under `wrangler dev`, deployment and the Workers test pool; written without
 * backticks or template placeholders so `String.raw` returns it verbatim. The parts, by concern, are joined into one
 * module and share its scope; `start()` runs last, once everything is declared:
 *  - this file: the page's states and views, the join form, what each room message means for the page;
 *  - call-room-script.ts: joining, the room's socket, reconnecting, checking incoming frames;
 *  - call-media-script.ts: camera and microphone, the device check, mute, camera off, device switching;
 *  - call-rtc-script.ts: peer connections, generations (key renewal), ICE restarts;
 *  - call-quality-script.ts: getStats, good/fair/poor, bitrate and resolution, reports.
 *
 * Signaling goes through the appointment's room (workers/rooms/protocol.ts); media flows peer to peer, DTLS-SRTP
 * encrypted, relayed by TURN at most. The page stores one thing in the browser: the client's browser key for this call,
 * in sessionStorage (this tab only), which lets an admitted client back in after a reload or a dropped socket.
 */
const PAGE_SCRIPT = String.raw`// Video call: the page's states and what room messages mean for it.
const root = document.getElementById('call-app');
const ROLE = root.dataset.role === 'therapist' ? 'therapist' : 'client';
const CALL_ID = root.dataset.appointmentId || '';
const CSRF = root.dataset.csrf || '';
// Make-before-break key renewal; the attribute exists so that a test can renew within seconds.
const RENEW_MS = Math.max(2000, Number(root.dataset.renewMs) || 540000);
const t = JSON.parse(root.dataset.messages || '{}');
const CLOSE = JSON.parse(root.dataset.closeCodes || '{}');

const el = (id) => document.getElementById(id);
const fill = (text, values) => text.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));

const VIEWS = {
  join: ['call-join'],
  checking: ['call-media', 'call-check'],
  waiting: ['call-waiting', 'call-media', 'call-check'],
  lobby: ['call-lobby', 'call-media'],
  connecting: ['call-media', 'call-remote-box'],
  'in-call': ['call-media', 'call-remote-box'],
  reconnecting: ['call-media', 'call-remote-box'],
  ended: ['call-ended'],
};
const SECTIONS = ['call-join', 'call-waiting', 'call-lobby', 'call-media', 'call-check', 'call-remote-box', 'call-ended'];

let view = 'loading';
let waitingName = '';
let ending = false;
let peerHere = false; // the other participant holds their seat (and, for the therapist, the client is admitted)

function setView(next) {
  view = next;
  root.dataset.state = next;
  const visible = VIEWS[next] || [];
  for (const id of SECTIONS) {
    const section = el(id);
    if (section) section.hidden = !visible.includes(id);
  }
  renderLobby();
}

function say(text) {
  el('call-status').textContent = text || '';
  el('call-status').hidden = !text;
}

function fail(text) {
  el('call-error').textContent = text || '';
  el('call-error').hidden = !text;
}

function fieldError(field, text) {
  const input = el('call-' + field);
  const error = el('call-' + field + '-error');
  if (!input || !error) return;
  error.textContent = text || '';
  error.hidden = !text;
  if (text) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}

function setCheck(name, text, ok) {
  const item = document.querySelector('[data-check="' + name + '"]');
  if (!item) return;
  item.dataset.ok = ok === undefined ? '' : String(ok);
  item.querySelector('[data-result]').textContent = text;
}

/** The therapist's waiting-room panel: shown before the call and whenever someone waits. */
function renderLobby() {
  const lobby = el('call-lobby');
  if (!lobby) return;
  lobby.hidden = view === 'ended' || !(view === 'lobby' || waitingName);
  el('call-lobby-empty').hidden = !!waitingName;
  el('call-lobby-client').hidden = !waitingName;
  el('call-waiting-name').textContent = waitingName ? fill(t.waitingName, { name: waitingName }) : '';
}

function onSocketClosed(code) {
  socket = null;
  delete root.dataset.admitted;
  clearInterval(pingTimer);
  if (ending) return;
  const final = {};
  final[CLOSE.replaced] = t.replaced;
  final[CLOSE.full] = t.full;
  final[CLOSE.denied] = t.denied;
  final[CLOSE.displaced] = t.displaced;
  final[CLOSE.closed] = t.closed;
  final[CLOSE.hangup] = ROLE === 'client' ? t.endedByTherapist : t.clientLeft;
  if (final[code]) return endCall(final[code], false);
  if (!socketEverOpened) setCheck('relay', t.unreachable, false);
  // The room or the network dropped the socket (also when the room itself restarted); media may still be flowing.
  // Join again with a fresh token as the same participant: the room remembers an admitted client until it closes,
  // so the client goes straight back into the call and the therapist is not asked to admit them again.
  if (view === 'in-call' || view === 'connecting') setView('reconnecting');
  say(t.reconnecting);
  scheduleReconnect();
}

function onRoomMessage(message) {
  switch (message.type) {
    case 'welcome':
      return onWelcome(message);
    case 'waiting':
      if (ROLE !== 'therapist') return;
      waitingName = message.name;
      return renderLobby();
    case 'admitted':
      return onAdmitted();
    case 'peer-left':
      return onPeerLeft();
    case 'hangup':
      return onPeerHangup();
    case 'offer':
    case 'answer':
    case 'ice':
      return enqueue(() => onSignal(message));
    case 'error':
      root.dataset.lastRoomError = message.code;
      return;
    default:
      return;
  }
}

function onWelcome(message) {
  keepKey(message.browserKey);
  setCheck('relay', t.reachable, true);
  fail('');
  root.dataset.admitted = String(message.admitted);
  // The therapist learns with the next message ('waiting' or 'admitted') whether the client is in.
  peerHere = ROLE === 'client' && message.peerPresent;
  if (callIsUp()) setView('in-call');
  if (ROLE === 'therapist') {
    if (!hasCall()) {
      setView('lobby');
      say('');
    } else if (!message.peerPresent) say(t.peerAway);
    else say(t.inCall);
    return;
  }
  if (hasCall()) {
    say(message.admitted ? t.inCall : t.readmit);
    return;
  }
  if (message.admitted) {
    enterCall();
    say(message.peerPresent ? t.connecting : t.waitingForTherapist);
  } else {
    setView('waiting');
    say(t.waiting);
  }
}

function enterCall() {
  stopCheck();
  setView('connecting');
}

function onAdmitted() {
  peerHere = true;
  root.dataset.admitted = 'true';
  if (ROLE === 'client') {
    if (!hasCall()) enterCall();
    say(t.connecting);
    return;
  }
  waitingName = '';
  if (!hasCall()) setView('connecting');
  renderLobby();
  say(t.connecting);
  // Also after either side reconnected: a new generation, made before the old one is broken.
  enqueue(startGeneration);
}

function onPeerLeft() {
  peerHere = false;
  if (ROLE === 'therapist') {
    waitingName = '';
    renderLobby();
  }
  // After a hangup, or when a waiting client leaves, there is nothing to tear down and the status stays.
  if (!hasCall()) {
    if (ROLE === 'client' && view === 'connecting') say(t.waitingForTherapist);
    return;
  }
  if (callIsUp()) {
    say(t.peerAway);
    return;
  }
  showPeerGone('');
}

/** The other participant is gone and so is the media: the therapist's lobby, or the client's wait. */
function showPeerGone(therapistText) {
  closeConnections();
  if (ROLE === 'therapist') {
    setView('lobby');
    say(therapistText);
  } else {
    setView('connecting');
    say(t.waitingForTherapist);
  }
}

function onPeerHangup() {
  peerHere = false;
  if (ROLE === 'client') return endCall(t.endedByTherapist, false);
  showPeerGone(t.clientLeft);
}

/** Ends the page's part in the call: reports, tells the peer when it is our decision, frees camera and microphone. */
function endCall(text, hangUp) {
  if (ending) return;
  ending = true;
  reportLeft();
  if (hangUp) send({ type: 'hangup' });
  clearTimeout(reconnectTimer);
  clearInterval(pingTimer);
  if (socket) socket.close(1000, 'Goodbye');
  socket = null;
  closeConnections();
  stopCheck();
  stopLocalMedia();
  fail('');
  say('');
  el('call-ended-text').textContent = text;
  setView('ended');
}

async function onJoinSubmit(event) {
  event.preventDefault();
  fail('');
  fieldError('name', '');
  fieldError('code', '');
  const name = el('call-name').value.trim();
  const code = el('call-code').value.trim();
  if (!name) fieldError('name', t.nameMissing);
  if (!code) fieldError('code', t.codeMissing);
  if (!name || !code) return fail(t.invalidInput);
  const button = el('call-join-form').querySelector('button[type="submit"]');
  button.disabled = true;
  credentials = { name, code };
  say(t.checking);
  try {
    pass = await requestJoin();
  } catch (error) {
    button.disabled = false;
    say('');
    if (error instanceof JoinError && error.status === 401) fieldError('code', t.wrongCode);
    if (error instanceof JoinError && error.status === 422 && error.fields.name) fieldError('name', t.nameMissing);
    return fail(joinErrorText(error));
  }
  setView('checking');
  await runDeviceCheck();
  await joinRoom();
}

/** Opens the room socket the first time; failures that may pass are retried in the background. */
async function joinRoom() {
  try {
    if (!(await connectRoom())) return;
  } catch (error) {
    if (isFinalJoinError(error)) return endCall(joinErrorText(error), false);
    setCheck('relay', t.unreachable, false);
    fail(joinErrorText(error));
    scheduleReconnect();
  }
}

function wirePage() {
  el('call-end').addEventListener('click', () => endCall(t.endedSelf, true));
  const admit = el('call-admit');
  if (admit) admit.addEventListener('click', () => send({ type: 'admit' }));
  const deny = el('call-deny');
  if (deny) {
    deny.addEventListener('click', () => {
      send({ type: 'deny' });
      waitingName = '';
      renderLobby();
    });
  }
  el('call-sound').addEventListener('click', () => {
    const video = el('call-remote');
    video.muted = false;
    video.play().catch(() => {});
    el('call-sound').hidden = true;
  });
  window.addEventListener('online', () => {
    if (!socket && !ending) scheduleReconnect();
  });
  window.addEventListener('pagehide', reportLeft);
}

async function start() {
  wirePage();
  wireDevices();
  if (ROLE === 'therapist') {
    setView('lobby');
    say(t.checking);
    await openDevices();
    say('');
    await joinRoom();
    return;
  }
  setView('join');
  el('call-join-form').addEventListener('submit', onJoinSubmit);
  el('call-name').focus();
}
`;

const START = String.raw`
start();
`;

export const CALL_SCRIPT = [PAGE_SCRIPT, CALL_ROOM_SCRIPT, CALL_MEDIA_SCRIPT, CALL_RTC_SCRIPT, CALL_QUALITY_SCRIPT, START].join('\n');
