/**
 * Part of /static/call.js (see call-script.ts): camera and microphone, the device check (preview, level meter, test
 * tone), mute, camera off and device switching. A switched device reaches every open peer connection through
 * RTCRtpSender.replaceTrack, without renegotiation.
 */
export const CALL_MEDIA_SCRIPT = String.raw`// Video call: devices.
const VIDEO = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };
const AUDIO = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };

const local = { audio: null, video: null };
const localStream = new MediaStream();
let muted = false;
let cameraOff = false;
let preferredCamera = '';
let audioContext = null;
let meter = null;

function sharedAudioContext() {
  if (!audioContext) audioContext = new AudioContext();
  if (audioContext.state === 'suspended') audioContext.resume().catch(() => {});
  return audioContext;
}

async function grab(constraints) {
  try {
    return { stream: await navigator.mediaDevices.getUserMedia(constraints), error: '' };
  } catch (error) {
    return { stream: null, error: error && error.name ? error.name : 'Error' };
  }
}

/** Camera and microphone together, else each alone: a missing camera must not cost the microphone. */
async function openDevices() {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return { video: 'NotFoundError', audio: 'NotFoundError' };
  const both = await grab({ audio: AUDIO, video: VIDEO });
  let errors = { video: '', audio: '' };
  if (both.stream) {
    for (const track of both.stream.getTracks()) await setLocalTrack(track.kind, track);
  } else {
    const video = await grab({ video: VIDEO });
    const audio = await grab({ audio: AUDIO });
    if (video.stream) await setLocalTrack('video', video.stream.getVideoTracks()[0]);
    if (audio.stream) await setLocalTrack('audio', audio.stream.getAudioTracks()[0]);
    errors = { video: video.error, audio: audio.error };
  }
  el('call-local').srcObject = localStream;
  el('call-media-notice').hidden = !!(local.audio || local.video);
  await listDevices();
  return errors;
}

/** Puts a track in place of the current one of its kind, on the preview and on every peer connection. */
async function setLocalTrack(kind, track) {
  const old = local[kind];
  if (old === track) return;
  if (old) {
    localStream.removeTrack(old);
    old.stop();
  }
  local[kind] = track || null;
  if (track) {
    if (kind === 'audio') track.enabled = !muted;
    if (kind === 'video') preferredCamera = track.getSettings().deviceId || preferredCamera;
    localStream.addTrack(track);
  }
  await Promise.all(sendersOf(kind).map((sender) => sender.replaceTrack(local[kind]).catch(() => {})));
  if (kind === 'audio' && meter) startMeter();
}

function stopLocalMedia() {
  for (const kind of ['audio', 'video']) {
    if (local[kind]) local[kind].stop();
    local[kind] = null;
  }
  if (audioContext) audioContext.close().catch(() => {});
  audioContext = null;
}

async function listDevices() {
  if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return;
  const devices = await navigator.mediaDevices.enumerateDevices().catch(() => []);
  fillSelect(el('call-camera-select'), devices.filter((d) => d.kind === 'videoinput'), local.video, t.cameraSelect);
  fillSelect(el('call-mic-select'), devices.filter((d) => d.kind === 'audioinput'), local.audio, t.micSelect);
}

function fillSelect(select, devices, track, fallback) {
  const current = track ? track.getSettings().deviceId : '';
  select.replaceChildren(
    ...devices.map((device, index) => {
      const option = document.createElement('option');
      option.value = device.deviceId;
      option.textContent = device.label || fallback + ' ' + (index + 1);
      option.selected = device.deviceId === current;
      return option;
    }),
  );
  select.disabled = devices.length < 2;
}

async function switchDevice(kind, deviceId) {
  if (!deviceId) return;
  if (kind === 'video' && cameraOff) {
    preferredCamera = deviceId;
    return;
  }
  const constraints = kind === 'video' ? { video: Object.assign({}, VIDEO, { deviceId: { exact: deviceId } }) } : { audio: Object.assign({}, AUDIO, { deviceId: { exact: deviceId } }) };
  let got = await grab(constraints);
  if (!got.stream && local[kind]) {
    // Some systems open one camera at a time: free the current one and try again.
    await setLocalTrack(kind, null);
    got = await grab(constraints);
  }
  if (!got.stream) {
    fail(t.deviceFailed);
    return;
  }
  fail('');
  await setLocalTrack(kind, got.stream.getTracks()[0]);
}

function toggleMute() {
  muted = !muted;
  if (local.audio) local.audio.enabled = !muted;
  el('call-mute').textContent = muted ? t.unmute : t.mute;
  root.dataset.muted = String(muted);
}

/** Camera off stops the track, so the camera's light goes out; on asks for the chosen camera again. */
async function toggleCamera() {
  const button = el('call-camera');
  button.disabled = true;
  if (!cameraOff) {
    cameraOff = true;
    await setLocalTrack('video', null);
  } else {
    const constraints = { video: Object.assign({}, VIDEO, preferredCamera ? { deviceId: preferredCamera } : {}) };
    const got = await grab(constraints);
    if (got.stream) {
      cameraOff = false;
      await setLocalTrack('video', got.stream.getVideoTracks()[0]);
    } else fail(t.deviceFailed);
  }
  button.textContent = cameraOff ? t.cameraOn : t.cameraOff;
  root.dataset.cameraOff = String(cameraOff);
  button.disabled = false;
}

function startMeter() {
  stopMeter();
  const bar = el('call-mic-level');
  if (!bar || !local.audio) return;
  const context = sharedAudioContext();
  const source = context.createMediaStreamSource(new MediaStream([local.audio]));
  const analyser = context.createAnalyser();
  analyser.fftSize = 1024;
  source.connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  const timer = setInterval(() => {
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const sample of samples) sum += sample * sample;
    // RMS of speech sits around 0.02-0.2; scaled so that normal speech fills most of the bar.
    bar.value = Math.min(1, Math.sqrt(sum / samples.length) * 5);
  }, 100);
  meter = { source, timer };
}

function stopMeter() {
  if (!meter) return;
  clearInterval(meter.timer);
  meter.source.disconnect();
  meter = null;
}

function stopCheck() {
  stopMeter();
}

function playTone() {
  const context = sharedAudioContext();
  const oscillator = context.createOscillator();
  const gain = context.createGain();
  oscillator.frequency.value = 440;
  gain.gain.setValueAtTime(0.15, context.currentTime);
  gain.gain.exponentialRampToValueAtTime(0.001, context.currentTime + 0.9);
  oscillator.connect(gain).connect(context.destination);
  oscillator.start();
  oscillator.stop(context.currentTime + 0.9);
}

/** The client's check before the waiting room: devices here, the relay when the room's socket answers. */
async function runDeviceCheck() {
  const errors = await openDevices();
  const describe = (track, error) => (track ? t.works : error === 'NotAllowedError' || error === 'SecurityError' ? t.blocked : t.notAvailable);
  setCheck('camera', describe(local.video, errors.video), !!local.video);
  setCheck('microphone', describe(local.audio, errors.audio), !!local.audio);
  if (local.audio) startMeter();
}

function wireDevices() {
  el('call-mute').addEventListener('click', toggleMute);
  el('call-camera').addEventListener('click', () => toggleCamera());
  el('call-camera-select').addEventListener('change', (event) => switchDevice('video', event.target.value));
  el('call-mic-select').addEventListener('change', (event) => switchDevice('audio', event.target.value));
  const tone = el('call-tone');
  if (tone) tone.addEventListener('click', playTone);
  if (navigator.mediaDevices) navigator.mediaDevices.addEventListener('devicechange', () => listDevices());
}
`;
