import { CALL_ID, el, jsonHeaders, root, state, t, transceiversOf, type Conn } from './call-context';
import { fill } from './page-data';

/**
 * Part of /static/call.js: connection quality and reports. getStats every two seconds on the shown connection: round
 * trip and loss give good/fair/poor, and the video sender's maxBitrate and scaleResolutionDownBy follow (down after
 * two poor samples in a row, up after five good ones). Reports carry times and coarse numbers only, never names or
 * addresses: connected, failed, and left with the connected time and the median quality.
 */
type Quality = 'good' | 'fair' | 'poor';
type ReportEvent = 'connected' | 'failed' | 'left';
type Sample = { conn: Conn; at: number; bytes: number; lost: number; received: number };

const LEVELS = [
  { maxBitrate: 1500000, scaleResolutionDownBy: 1 },
  { maxBitrate: 600000, scaleResolutionDownBy: 2 },
  { maxBitrate: 250000, scaleResolutionDownBy: 4 },
];

let level = 0;
let poorStreak = 0;
let goodStreak = 0;
let lastSample: Sample | null = null;
const samples: { rtt: number[]; loss: number[]; kbps: number[] } = { rtt: [], loss: [], kbps: [] };
let relayed = false;
let connectedSince = 0;
let connectedTotal = 0;
const reported: Record<ReportEvent, boolean> = { connected: false, failed: false, left: false };

export function markConnected() {
  if (!connectedSince) connectedSince = Date.now();
  if (!reported.connected) report('connected');
}

export function markDisconnected() {
  if (connectedSince) connectedTotal += Date.now() - connectedSince;
  connectedSince = 0;
}

/** The connections are gone: the next sample starts a new series. */
export function forgetLastSample() {
  lastSample = null;
}

const numberOr = (value: unknown, fallback: number) => (typeof value === 'number' ? value : fallback);

export async function sampleQuality() {
  const conn = state.active;
  if (!conn || conn.pc.connectionState !== 'connected') return;
  const stats = await conn.pc.getStats();
  // The stats dictionaries differ by `type`; the fields read below are checked where they are read.
  const byId = new Map<string, Record<string, unknown>>();
  let pairId = '';
  let bytes = 0;
  let lost = 0;
  let received = 0;
  let remoteLoss = 0;
  stats.forEach((s: Record<string, unknown>) => {
    byId.set(String(s.id), s);
    if (s.type === 'transport' && typeof s.selectedCandidatePairId === 'string' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
    if (s.type === 'inbound-rtp') {
      bytes += numberOr(s.bytesReceived, 0);
      lost += Math.max(0, numberOr(s.packetsLost, 0));
      received += numberOr(s.packetsReceived, 0);
    }
    // What the other side lost of our video: the figure our sending rate should follow.
    if (s.type === 'remote-inbound-rtp' && s.kind === 'video' && typeof s.fractionLost === 'number') remoteLoss = s.fractionLost * 100;
  });
  const pair = byId.get(pairId);
  const rtt = pair && typeof pair.currentRoundTripTime === 'number' ? pair.currentRoundTripTime * 1000 : null;
  const candidate = pair ? byId.get(String(pair.localCandidateId)) : undefined;
  relayed = relayed || (!!candidate && candidate.candidateType === 'relay');
  const now = performance.now();
  const previous = lastSample && lastSample.conn === conn ? lastSample : null;
  lastSample = { conn, at: now, bytes, lost, received };
  if (!previous) return;
  const newLost = Math.max(0, lost - previous.lost);
  const newReceived = Math.max(0, received - previous.received);
  const loss = Math.max(remoteLoss, newLost + newReceived > 0 ? (100 * newLost) / (newLost + newReceived) : 0);
  const kbps = Math.max(0, (8 * (bytes - previous.bytes)) / (now - previous.at));
  if (rtt !== null) samples.rtt.push(rtt);
  samples.loss.push(loss);
  samples.kbps.push(kbps);
  for (const list of Object.values(samples)) if (list.length > 2000) list.splice(0, list.length - 2000);
  showQuality(rtt === null ? 0 : rtt, loss);
}

function showQuality(rtt: number, loss: number) {
  const quality: Quality = rtt < 250 && loss < 2 ? 'good' : rtt < 500 && loss < 8 ? 'fair' : 'poor';
  const indicator = el('call-quality');
  indicator.dataset.quality = quality;
  root.dataset.quality = quality;
  el('call-quality-value').textContent = fill(t.qualityDetail, { quality: t[quality], rtt: Math.round(rtt), loss: loss.toFixed(1) });
  adapt(quality);
}

function adapt(quality: Quality) {
  poorStreak = quality === 'poor' ? poorStreak + 1 : 0;
  goodStreak = quality === 'good' ? goodStreak + 1 : 0;
  let next = level;
  if (poorStreak >= 2 && level < LEVELS.length - 1) next = level + 1;
  if (goodStreak >= 5 && level > 0) next = level - 1;
  if (next === level) return;
  level = next;
  poorStreak = 0;
  goodStreak = 0;
  if (state.active) applyLevel(state.active);
}

export function applyLevel(conn: Conn) {
  root.dataset.videoLevel = String(level);
  for (const transceiver of transceiversOf(conn, 'video')) {
    const sender = transceiver.sender;
    const parameters = sender.getParameters();
    const first = parameters.encodings?.[0];
    if (!first) continue;
    Object.assign(first, LEVELS[level]);
    sender.setParameters(parameters).catch(() => {});
  }
}

function median(list: number[]) {
  if (!list.length) return undefined;
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export function report(event: ReportEvent, extra?: Record<string, unknown>) {
  if (!state.reportToken || reported[event]) return;
  reported[event] = true;
  const body = { token: state.reportToken, event, ...extra };
  // keepalive: the last report goes out while the page unloads.
  fetch('/api/calls/' + encodeURIComponent(CALL_ID) + '/report', { method: 'POST', headers: jsonHeaders(), body: JSON.stringify(body), credentials: 'same-origin', keepalive: true }).catch(() => {});
}

/** Connected time and the median quality; a page that never joined has nothing to report. */
export function reportLeft() {
  markDisconnected();
  const quality: { rttMs?: number; lossPct?: number; kbps?: number; relayed?: boolean } = {};
  const rtt = median(samples.rtt);
  const loss = median(samples.loss);
  const kbps = median(samples.kbps);
  if (rtt !== undefined) quality.rttMs = Math.min(60000, Math.round(rtt));
  if (loss !== undefined) quality.lossPct = Math.min(100, Math.round(loss * 10) / 10);
  if (kbps !== undefined) quality.kbps = Math.min(100000, Math.round(kbps));
  if (samples.loss.length) quality.relayed = relayed;
  const extra: { connectedMs: number; quality?: typeof quality } = { connectedMs: Math.min(86400000, Math.round(connectedTotal)) };
  if (Object.keys(quality).length) extra.quality = quality;
  report('left', extra);
}
