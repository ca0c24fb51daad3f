import { CLOSE, type RoomMessage } from '../../workers/rooms/protocol';
import { el, maybeEl, ROLE, root, state, t, video } from './call-context';
import { openDevices, runDeviceCheck, stopCheck, stopLocalMedia, wireDevices } from './call-media';
import { reportLeft } from './call-quality';
import { connectRoom, isFinalJoinError, joinErrorText, JoinError, keepKey, onRoom, requestJoin, scheduleReconnect, send } from './call-room';
import { callIsUp, closeConnections, enqueue, hasCall, onSignal, showPeerGone, startGeneration } from './call-rtc';
import { fail, fieldError, renderLobby, say, setCheck, setView } from './call-view';
import { byId } from './page-data';

/**
 * /static/call.js, the video call page: the join form, what each room message means for the page, ending the call.
 * The other parts, by concern, are modules bundled into this one at build time (scripts/build-client.ts), each
 * importing only those listed before it:
 *  - call-context.ts: the page's data attributes, the state the parts share, the peer connections' senders;
 *  - call-view.ts: views, status lines, field errors, device checks, the waiting-room panel;
 *  - call-quality.ts: getStats, good/fair/poor, bitrate and resolution, reports;
 *  - call-media.ts: camera and microphone, the device check, mute, camera off, device switching;
 *  - call-room.ts: joining, the room's socket, reconnecting, parsing incoming frames with the room's zod schema;
 *  - call-rtc.ts: peer connections, generations (key renewal), ICE restarts.
 * The room's socket reports to this module through the handlers `start()` gives it.
 *
 * Signaling goes through the appointment's room (workers/rooms/protocol.ts); media flows peer to peer, DTLS-SRTP
 * encrypted, relayed by TURN at most. The page stores one thing in the browser: the client's browser key for this call,
 * in sessionStorage (this tab only), which lets an admitted client back in after a reload or a dropped socket.
 */
/** Close codes that end the page, with the text each shows. */
function finalCloseText(code: number): string | undefined {
  const texts: Record<number, string> = {
    [CLOSE.replaced]: t.replaced,
    [CLOSE.full]: t.full,
    [CLOSE.denied]: t.denied,
    [CLOSE.displaced]: t.displaced,
    [CLOSE.closed]: t.closed,
    [CLOSE.hangup]: ROLE === 'client' ? t.endedByTherapist : t.clientLeft,
  };
  return texts[code];
}

function onSocketClosed(code: number) {
  state.socket = null;
  delete root.dataset.admitted;
  clearInterval(state.pingTimer);
  if (state.ending) return;
  const final = finalCloseText(code);
  if (final) return endCall(final, false);
  if (!state.socketEverOpened) setCheck('relay', t.unreachable, false);
  // The room or the network dropped the socket (also when the room itself restarted); media may still be flowing.
  // Join again with a fresh token as the same participant: the room remembers an admitted client until it closes,
  // so the client goes straight back into the call and the therapist is not asked to admit them again.
  if (state.view === 'in-call' || state.view === 'connecting') setView('reconnecting');
  say(t.reconnecting);
  scheduleReconnect();
}

function onRoomMessage(message: RoomMessage) {
  switch (message.type) {
    case 'welcome':
      return onWelcome(message);
    case 'waiting':
      if (ROLE !== 'therapist') return;
      state.waitingName = message.name;
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

function onWelcome(message: Extract<RoomMessage, { type: 'welcome' }>) {
  keepKey(message.browserKey);
  setCheck('relay', t.reachable, true);
  fail('');
  root.dataset.admitted = String(message.admitted);
  // The therapist learns with the next message ('waiting' or 'admitted') whether the client is in.
  state.peerHere = ROLE === 'client' && message.peerPresent;
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
  state.peerHere = true;
  root.dataset.admitted = 'true';
  if (ROLE === 'client') {
    if (!hasCall()) enterCall();
    say(t.connecting);
    return;
  }
  state.waitingName = '';
  if (!hasCall()) setView('connecting');
  renderLobby();
  say(t.connecting);
  // Also after either side reconnected: a new generation, made before the old one is broken.
  enqueue(startGeneration);
}

function onPeerLeft() {
  state.peerHere = false;
  if (ROLE === 'therapist') {
    state.waitingName = '';
    renderLobby();
  }
  // After a hangup, or when a waiting client leaves, there is nothing to tear down and the status stays.
  if (!hasCall()) {
    if (ROLE === 'client' && state.view === 'connecting') say(t.waitingForTherapist);
    return;
  }
  if (callIsUp()) {
    say(t.peerAway);
    return;
  }
  showPeerGone('');
}

function onPeerHangup() {
  state.peerHere = false;
  if (ROLE === 'client') return endCall(t.endedByTherapist, false);
  showPeerGone(t.clientLeft);
}

/** Ends the page's part in the call: reports, tells the peer when it is our decision, frees camera and microphone. */
function endCall(text: string, hangUp: boolean) {
  if (state.ending) return;
  state.ending = true;
  reportLeft();
  if (hangUp) send({ type: 'hangup' });
  clearTimeout(state.reconnectTimer);
  clearInterval(state.pingTimer);
  if (state.socket) state.socket.close(1000, 'Goodbye');
  state.socket = null;
  closeConnections();
  stopCheck();
  stopLocalMedia();
  fail('');
  say('');
  el('call-ended-text').textContent = text;
  setView('ended');
}

async function onJoinSubmit(event: SubmitEvent) {
  event.preventDefault();
  fail('');
  fieldError('name', '');
  fieldError('code', '');
  const name = byId('call-name', HTMLInputElement).value.trim();
  const code = byId('call-code', HTMLInputElement).value.trim();
  if (!name) fieldError('name', t.nameMissing);
  if (!code) fieldError('code', t.codeMissing);
  if (!name || !code) return fail(t.invalidInput);
  const button = el('call-join-form').querySelector<HTMLButtonElement>('button[type="submit"]');
  if (button) button.disabled = true;
  state.credentials = { name, code };
  say(t.checking);
  try {
    state.pass = await requestJoin();
  } catch (error) {
    if (button) button.disabled = false;
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
  const admit = maybeEl('call-admit');
  if (admit) admit.addEventListener('click', () => send({ type: 'admit' }));
  const deny = maybeEl('call-deny');
  if (deny) {
    deny.addEventListener('click', () => {
      send({ type: 'deny' });
      state.waitingName = '';
      renderLobby();
    });
  }
  el('call-sound').addEventListener('click', () => {
    const remote = video('call-remote');
    remote.muted = false;
    remote.play().catch(() => {});
    el('call-sound').hidden = true;
  });
  window.addEventListener('online', () => {
    if (!state.socket && !state.ending) scheduleReconnect();
  });
  window.addEventListener('pagehide', reportLeft);
}

async function start() {
  onRoom({ message: onRoomMessage, closed: onSocketClosed, finalError: (text) => endCall(text, false) });
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
  byId('call-join-form', HTMLFormElement).addEventListener('submit', onJoinSubmit);
  el('call-name').focus();
}

void start();
