import { byId, maybeById } from './page-data';
import { el, root, sendersOf, t, video, type Kind } from './call-context';
import { fail, setCheck } from './call-view';

/**
 * Part of /static/call.js: camera and microphone, the device check (preview, level meter, test tone), mute, camera
 * off and device switching. A switched device reaches every open peer connection through RTCRtpSender.replaceTrack,
 * without renegotiation.
 */
const VIDEO: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };
const AUDIO: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };

export const local: Record<Kind, MediaStreamTrack | null> = { audio: null, video: null };
export const localStream = new MediaStream();
let muted = false;
let cameraOff = false;
let preferredCamera = '';
let audioContext: AudioContext | null = null;
let meter: { source: MediaStreamAudioSourceNode; timer: number } | null = null;

function sharedAudioContext() {
  if (!audioContext) audioContext = new AudioContext();
  if (audioContext.state === 'suspended') audioContext.resume().catch(() => {});
  return audioContext;
}

async function grab(constraints: MediaStreamConstraints): Promise<{ stream: MediaStream | null; error: string }> {
  try {
    return { stream: await navigator.mediaDevices.getUserMedia(constraints), error: '' };
  } catch (error) {
    return { stream: null, error: error instanceof Error && error.name ? error.name : 'Error' };
  }
}

/** Camera and microphone together, else each alone: a missing camera must not cost the microphone. */
export async function openDevices() {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return { video: 'NotFoundError', audio: 'NotFoundError' };
  const both = await grab({ audio: AUDIO, video: VIDEO });
  let errors = { video: '', audio: '' };
  if (both.stream) {
    for (const track of both.stream.getTracks()) await setLocalTrack(track.kind === 'video' ? 'video' : 'audio', track);
  } else {
    const camera = await grab({ video: VIDEO });
    const microphone = await grab({ audio: AUDIO });
    if (camera.stream) await setLocalTrack('video', camera.stream.getVideoTracks()[0]);
    if (microphone.stream) await setLocalTrack('audio', microphone.stream.getAudioTracks()[0]);
    errors = { video: camera.error, audio: microphone.error };
  }
  video('call-local').srcObject = localStream;
  el('call-media-notice').hidden = !!(local.audio || local.video);
  await listDevices();
  return errors;
}

/** Puts a track in place of the current one of its kind, on the preview and on every peer connection. */
async function setLocalTrack(kind: Kind, track: MediaStreamTrack | null | undefined) {
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

export function stopLocalMedia() {
  for (const kind of ['audio', 'video'] as const) {
    local[kind]?.stop();
    local[kind] = null;
  }
  if (audioContext) audioContext.close().catch(() => {});
  audioContext = null;
}

async function listDevices() {
  if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return;
  const devices = await navigator.mediaDevices.enumerateDevices().catch((): MediaDeviceInfo[] => []);
  fillSelect(byId('call-camera-select', HTMLSelectElement), devices.filter((d) => d.kind === 'videoinput'), local.video, t.cameraSelect);
  fillSelect(byId('call-mic-select', HTMLSelectElement), devices.filter((d) => d.kind === 'audioinput'), local.audio, t.micSelect);
}

function fillSelect(select: HTMLSelectElement, devices: MediaDeviceInfo[], track: MediaStreamTrack | null, fallback: string) {
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

async function switchDevice(kind: Kind, deviceId: string) {
  if (!deviceId) return;
  if (kind === 'video' && cameraOff) {
    preferredCamera = deviceId;
    return;
  }
  const constraints = kind === 'video' ? { video: { ...VIDEO, deviceId: { exact: deviceId } } } : { audio: { ...AUDIO, deviceId: { exact: deviceId } } };
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
  const button = byId('call-camera', HTMLButtonElement);
  button.disabled = true;
  if (!cameraOff) {
    cameraOff = true;
    await setLocalTrack('video', null);
  } else {
    const got = await grab({ video: { ...VIDEO, ...(preferredCamera ? { deviceId: preferredCamera } : {}) } });
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
  const bar = maybeById('call-mic-level', HTMLMeterElement);
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

export function stopCheck() {
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
export async function runDeviceCheck() {
  const errors = await openDevices();
  const describe = (track: MediaStreamTrack | null, error: string) =>
    track ? t.works : error === 'NotAllowedError' || error === 'SecurityError' ? t.blocked : t.notAvailable;
  setCheck('camera', describe(local.video, errors.video), !!local.video);
  setCheck('microphone', describe(local.audio, errors.audio), !!local.audio);
  if (local.audio) startMeter();
}

export function wireDevices() {
  el('call-mute').addEventListener('click', toggleMute);
  el('call-camera').addEventListener('click', () => toggleCamera());
  const select = (id: string, kind: Kind) => {
    const element = byId(id, HTMLSelectElement);
    element.addEventListener('change', () => switchDevice(kind, element.value));
  };
  select('call-camera-select', 'video');
  select('call-mic-select', 'audio');
  const tone = maybeById('call-tone', HTMLElement);
  if (tone) tone.addEventListener('click', playTone);
  if (navigator.mediaDevices) navigator.mediaDevices.addEventListener('devicechange', () => listDevices());
}
