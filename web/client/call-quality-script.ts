/**
 * Part of /static/call.js (see call-script.ts): connection quality and reports. getStats every two seconds on the
 * shown connection: round trip and loss give good/fair/poor, and the video sender's maxBitrate and
 * scaleResolutionDownBy follow (down after two poor samples in a row, up after five good ones). Reports carry times
 * and coarse numbers only, never names or addresses: connected, failed, and left with the connected time and the
 * median quality.
 */
export const CALL_QUALITY_SCRIPT = String.raw`// Video call: quality and reports.
const LEVELS = [
  { maxBitrate: 1500000, scaleResolutionDownBy: 1 },
  { maxBitrate: 600000, scaleResolutionDownBy: 2 },
  { maxBitrate: 250000, scaleResolutionDownBy: 4 },
];

let level = 0;
let poorStreak = 0;
let goodStreak = 0;
let lastSample = null;
const samples = { rtt: [], loss: [], kbps: [] };
let relayed = false;
let connectedSince = 0;
let connectedTotal = 0;
const reported = { connected: false, failed: false, left: false };

function markConnected() {
  if (!connectedSince) connectedSince = Date.now();
  if (!reported.connected) report('connected');
}

function markDisconnected() {
  if (connectedSince) connectedTotal += Date.now() - connectedSince;
  connectedSince = 0;
}

async function sampleQuality() {
  const conn = active;
  if (!conn || conn.pc.connectionState !== 'connected') return;
  const stats = await conn.pc.getStats();
  const byId = new Map();
  let pairId = '';
  let bytes = 0;
  let lost = 0;
  let received = 0;
  let remoteLoss = 0;
  stats.forEach((s) => {
    byId.set(s.id, s);
    if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
    if (s.type === 'inbound-rtp') {
      bytes += s.bytesReceived || 0;
      lost += Math.max(0, s.packetsLost || 0);
      received += s.packetsReceived || 0;
    }
    // What the other side lost of our video: the figure our sending rate should follow.
    if (s.type === 'remote-inbound-rtp' && s.kind === 'video' && typeof s.fractionLost === 'number') remoteLoss = s.fractionLost * 100;
  });
  const pair = byId.get(pairId);
  const rtt = pair && typeof pair.currentRoundTripTime === 'number' ? pair.currentRoundTripTime * 1000 : null;
  const candidate = pair ? byId.get(pair.localCandidateId) : null;
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

function showQuality(rtt, loss) {
  const quality = rtt < 250 && loss < 2 ? 'good' : rtt < 500 && loss < 8 ? 'fair' : 'poor';
  const indicator = el('call-quality');
  indicator.dataset.quality = quality;
  root.dataset.quality = quality;
  el('call-quality-value').textContent = fill(t.qualityDetail, { quality: t[quality], rtt: Math.round(rtt), loss: loss.toFixed(1) });
  adapt(quality);
}

function adapt(quality) {
  poorStreak = quality === 'poor' ? poorStreak + 1 : 0;
  goodStreak = quality === 'good' ? goodStreak + 1 : 0;
  let next = level;
  if (poorStreak >= 2 && level < LEVELS.length - 1) next = level + 1;
  if (goodStreak >= 5 && level > 0) next = level - 1;
  if (next === level) return;
  level = next;
  poorStreak = 0;
  goodStreak = 0;
  if (active) applyLevel(active);
}

function applyLevel(conn) {
  root.dataset.videoLevel = String(level);
  for (const transceiver of transceiversOf(conn, 'video')) {
    const sender = transceiver.sender;
    const parameters = sender.getParameters();
    if (!parameters.encodings || !parameters.encodings.length) continue;
    Object.assign(parameters.encodings[0], LEVELS[level]);
    sender.setParameters(parameters).catch(() => {});
  }
}

function median(list) {
  if (!list.length) return undefined;
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function report(event, extra) {
  if (!reportToken || reported[event]) return;
  reported[event] = true;
  const body = Object.assign({ token: reportToken, event }, extra || {});
  // keepalive: the last report goes out while the page unloads.
  fetch('/api/calls/' + encodeURIComponent(CALL_ID) + '/report', { method: 'POST', headers: jsonHeaders(), body: JSON.stringify(body), credentials: 'same-origin', keepalive: true }).catch(() => {});
}

/** Connected time and the median quality; a page that never joined has nothing to report. */
function reportLeft() {
  markDisconnected();
  const quality = {};
  const rtt = median(samples.rtt);
  const loss = median(samples.loss);
  const kbps = median(samples.kbps);
  if (rtt !== undefined) quality.rttMs = Math.min(60000, Math.round(rtt));
  if (loss !== undefined) quality.lossPct = Math.min(100, Math.round(loss * 10) / 10);
  if (kbps !== undefined) quality.kbps = Math.min(100000, Math.round(kbps));
  if (samples.loss.length) quality.relayed = relayed;
  const extra = { connectedMs: Math.min(86400000, Math.round(connectedTotal)) };
  if (Object.keys(quality).length) extra.quality = quality;
  report('left', extra);
}
`;
