// Video call figures for `npm run bench` (bench/run.ts calls benchCall with the running app's origin), or on their own:
// `node bench/call.ts` starts a throwaway app first. Loopback only; it reports and never asserts a time.
//  1. Signaling relay through the call room: therapist and client sockets (Node's WebSocket), admitted, then `ice`
//     messages therapist -> client one at a time, beside the room's own answer (`ping` -> `pong`) on the other socket.
//     Paced under the room's rate limit (10 messages a second per socket), so these are latencies, not throughput.
//  2. Admission to connected in headless Chromium: two contexts with fake cameras, from the therapist's click on
//     "Admit" until both pages' peer connections are connected, beside two RTCPeerConnections in one page.
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../tests/e2e/browser.ts';
import { type Session, signIn } from './http.ts';
import { percentile } from './stats.ts';

/** The shape of bench/run.ts's figures, plus what the numbers mean. */
export type CallFigure = { scenario: string; concurrency: number; requests: number; ok: number; statuses: Record<string, number>; rps: number; p50: number; p99: number; note: string };

const RELAY_MESSAGES = 100;
const PACE_MS = 110; // just under the room's 10 messages per second
const TRIALS = 5;
const DEMO = { email: 'demo@example.com', password: 'demo-therapist-pass' };

function figure(scenario: string, attempts: number, samples: number[], seconds: number, note: string): CallFigure {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  const ok = samples.length;
  return { scenario, concurrency: 1, requests: attempts, ok, statuses: { ok, lost: attempts - ok }, rps: round(ok / seconds), p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), note };
}

type Therapist = Session;

/** Date and time in Berlin on the minute, `minutes` from now (the call opens 15 minutes before its start). */
function berlinIn(minutes: number) {
  const at = Math.ceil((Date.now() + minutes * 60_000) / 60_000) * 60_000;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

/** A client of the demo practice and a video appointment of theirs that is open now. */
async function openCall(origin: string, therapist: Therapist) {
  const headers = { cookie: therapist.cookie, 'x-csrf-token': therapist.csrf };
  const created = await fetch(`${origin}/api/clients`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ displayName: 'Bench' }) });
  const clientId = ((await created.json()) as { client: { id: string } }).client.id;
  const agenda = await (await fetch(`${origin}/dashboard/appointments`, { headers })).text();
  const typeId = /<option value="([^"]+)"[^>]*>[^<]*video[^<]*<\/option>/i.exec(agenda)?.[1];
  if (!typeId) throw new Error('the demo practice has no video appointment type');
  const form = new URLSearchParams({ clientId, typeId, ...berlinIn(5) });
  const html = await (await fetch(`${origin}/dashboard/appointments`, { method: 'POST', headers, body: form })).text();
  const invite = /data-testid="invite"[\s\S]*?<code>([^<]+)<\/code>[\s\S]*?<code>([^<]+)<\/code>/.exec(html);
  if (invite?.[1] && invite[2]) return { callUrl: invite[1], accessCode: invite[2], id: invite[1].split('/').pop() ?? '' };
  throw new Error('could not create a video appointment starting in five minutes (is the time taken?)');
}

async function joinToken(origin: string, id: string, init: { headers: Record<string, string>; body: unknown }): Promise<string> {
  const response = await fetch(`${origin}/api/calls/${id}/join`, { method: 'POST', headers: { ...init.headers, 'content-type': 'application/json' }, body: JSON.stringify(init.body) });
  if (!response.ok) throw new Error(`join failed: ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

type Inbox = { next(type: string, timeoutMs?: number): Promise<Record<string, unknown> | undefined>; ws: WebSocket };

/** A room socket whose messages are awaited by type; anything not awaited is dropped. */
function roomSocket(origin: string, id: string, token: string): Promise<Inbox> {
  // The token and a name travel in the handshake header, as the call page sends them (base64url of 'Bench').
  const ws = new WebSocket(`${origin.replace(/^http/, 'ws')}/api/calls/${id}/ws`, ['praxisraum.v1', `jt.${token}`, 'nm.QmVuY2g']);
  const waiters: { type: string; resolve: (m: Record<string, unknown> | undefined) => void }[] = [];
  ws.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as Record<string, unknown>;
    const index = waiters.findIndex((w) => w.type === message.type);
    if (index >= 0) waiters.splice(index, 1)[0]?.resolve(message);
  });
  const next = (type: string, timeoutMs = 5000) =>
    new Promise<Record<string, unknown> | undefined>((resolve) => {
      const waiter = { type, resolve };
      waiters.push(waiter);
      setTimeout(() => {
        const index = waiters.indexOf(waiter);
        if (index >= 0) waiters.splice(index, 1);
        resolve(undefined);
      }, timeoutMs);
    });
  return new Promise((resolve, reject) => {
    ws.addEventListener('open', () => resolve({ ws, next }));
    ws.addEventListener('error', () => reject(new Error('room socket failed')));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function benchRelay(origin: string, therapist: Therapist, call: { id: string; accessCode: string }): Promise<CallFigure[]> {
  const tToken = await joinToken(origin, call.id, { headers: { cookie: therapist.cookie, 'x-csrf-token': therapist.csrf }, body: {} });
  const cToken = await joinToken(origin, call.id, { headers: {}, body: { name: 'Bench Client', code: call.accessCode } });
  const a = await roomSocket(origin, call.id, tToken);
  const waiting = a.next('waiting');
  const b = await roomSocket(origin, call.id, cToken);
  await waiting;
  const admitted = Promise.all([a.next('admitted'), b.next('admitted')]);
  a.ws.send(JSON.stringify({ type: 'admit' }));
  await admitted;

  const relay: number[] = [];
  const echo: number[] = [];
  const started = performance.now();
  for (let i = 0; i < RELAY_MESSAGES; i++) {
    const round = performance.now();
    const arrived = b.next('ice', 2000);
    const t0 = performance.now();
    a.ws.send(JSON.stringify({ type: 'ice', generation: i, candidate: { candidate: `candidate:1 1 udp 2122194687 192.0.2.1 ${50000 + i} typ host generation 0`, sdpMid: '0', sdpMLineIndex: 0 } }));
    if ((await arrived)?.generation === i) relay.push(performance.now() - t0);
    const pong = b.next('pong', 2000);
    const t1 = performance.now();
    b.ws.send(JSON.stringify({ type: 'ping' }));
    if (await pong) echo.push(performance.now() - t1);
    await sleep(Math.max(0, PACE_MS - (performance.now() - round)));
  }
  const seconds = (performance.now() - started) / 1000;
  a.ws.close(1000);
  b.ws.close(1000);
  await sleep(300);
  return [
    figure('call signaling: ice relayed therapist -> client', RELAY_MESSAGES, relay, seconds, 'ms per message through Worker and room; paced at 9/s (room limit 10/s)'),
    figure('call signaling: ping -> pong (room answers itself)', RELAY_MESSAGES, echo, seconds, 'ms round trip to the room; the baseline for the relay'),
  ];
}

/** Records, in the page, when the call page first reports a connected peer connection and when Admit is clicked. */
const TIMING_PROBE = `
new MutationObserver(() => {
  const app = document.getElementById('call-app');
  if (app && app.dataset.connection === 'connected' && !window.__connectedAt) window.__connectedAt = Date.now();
}).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-connection'] });
document.addEventListener('click', (event) => {
  if (event.target && event.target.id === 'call-admit') window.__admitAt = Date.now();
}, true);
`;

/** Polls an expression in the page (page.waitForFunction would need 'unsafe-eval', which the page's CSP refuses). */
async function waitFor(page: Page, expression: string, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await page.evaluate(expression).catch(() => false)) return true;
    await sleep(25);
  }
  return false;
}

async function admissionTrial(browser: Browser, origin: string, call: { callUrl: string; accessCode: string }, trial: number): Promise<number | undefined> {
  const options = { locale: 'en-GB', permissions: ['camera', 'microphone'] };
  const therapistContext = await browser.newContext(options);
  const clientContext = await browser.newContext(options);
  try {
    const therapist = await therapistContext.newPage();
    await therapist.goto(`${origin}/login`);
    await therapist.getByLabel('Email').fill(DEMO.email);
    await therapist.getByLabel('Password', { exact: true }).fill(DEMO.password);
    await Promise.all([therapist.waitForURL('**/dashboard'), therapist.getByRole('button', { name: 'Sign in' }).click()]);
    const client = await clientContext.newPage();
    for (const page of [therapist, client]) await page.addInitScript(TIMING_PROBE);
    await client.goto(call.callUrl);
    await client.getByLabel('Your name', { exact: true }).fill(`Bench Client ${trial}`);
    await client.getByLabel('Access code', { exact: true }).fill(call.accessCode);
    await client.getByRole('button', { name: 'Continue' }).click();
    if (!(await waitFor(client, `document.getElementById('call-app').dataset.state === 'waiting'`))) return undefined;
    await therapist.goto(call.callUrl);
    await therapist.getByRole('button', { name: 'Admit', exact: true }).click({ timeout: 30_000 });
    const connected = `!!window.__connectedAt`;
    if (!(await waitFor(therapist, connected)) || !(await waitFor(client, connected))) return undefined;
    const [admitAt, tAt, cAt] = await Promise.all([therapist.evaluate('window.__admitAt'), therapist.evaluate('window.__connectedAt'), client.evaluate('window.__connectedAt')]);
    await therapist.getByRole('button', { name: 'End call' }).click();
    await sleep(500);
    return Math.max(Number(tAt), Number(cAt)) - Number(admitAt);
  } finally {
    await clientContext.close();
    await therapistContext.close();
  }
}

/** Two peer connections in one page, media already open, as the call pages have it when Admit is clicked. */
const LOOPBACK = `(async () => {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  const t0 = performance.now();
  const a = new RTCPeerConnection();
  const b = new RTCPeerConnection();
  a.onicecandidate = (e) => { if (e.candidate) b.addIceCandidate(e.candidate); };
  b.onicecandidate = (e) => { if (e.candidate) a.addIceCandidate(e.candidate); };
  for (const track of stream.getTracks()) a.addTransceiver(track, { direction: 'sendrecv' });
  const both = Promise.all([a, b].map((pc) => new Promise((resolve, reject) => {
    pc.onconnectionstatechange = () => { if (pc.connectionState === 'connected') resolve(); if (pc.connectionState === 'failed') reject(new Error('failed')); };
  })));
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription);
  for (const transceiver of b.getTransceivers()) {
    transceiver.direction = 'sendrecv';
    await transceiver.sender.replaceTrack(stream.getTracks().find((t) => t.kind === transceiver.receiver.track.kind) || null);
  }
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription);
  await both;
  const elapsed = performance.now() - t0;
  a.close(); b.close();
  for (const track of stream.getTracks()) track.stop();
  return elapsed;
})()`;

async function benchConnect(origin: string, call: { callUrl: string; accessCode: string }): Promise<CallFigure[]> {
  const browser = await launchBrowser({ media: true });
  try {
    // The call page (camera allowed there by Permissions-Policy) with its script idle at the join form. One
    // uncounted loopback first: a cold browser's first connection takes over a second (codec and thread start-up),
    // which would otherwise land on whichever scenario runs first.
    const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
    const page = await context.newPage();
    await page.goto(call.callUrl);
    await page.evaluate(LOOPBACK).catch(() => undefined);
    const admission: number[] = [];
    let started = performance.now();
    for (let trial = 0; trial < TRIALS; trial++) {
      const ms = await admissionTrial(browser, origin, call, trial).catch(() => undefined);
      if (ms !== undefined) admission.push(ms);
    }
    const admissionSeconds = (performance.now() - started) / 1000;
    const loopback: number[] = [];
    started = performance.now();
    for (let trial = 0; trial < TRIALS; trial++) {
      const ms = await page.evaluate(LOOPBACK).catch(() => undefined);
      if (typeof ms === 'number') loopback.push(ms);
    }
    const loopbackSeconds = (performance.now() - started) / 1000;
    await context.close();
    return [
      figure('call setup: Admit click -> both connected (2 contexts)', TRIALS, admission, admissionSeconds, 'ms; includes the offer over the room, ICE and DTLS; rps = trials per second'),
      figure('call setup: in-page loopback (2 RTCPeerConnections)', TRIALS, loopback, loopbackSeconds, 'ms; ICE and DTLS only, no signaling hop; the baseline'),
    ];
  } finally {
    await browser.close();
  }
}

export async function benchCall(origin: string): Promise<CallFigure[]> {
  const therapist = await signIn(origin, DEMO.email, DEMO.password);
  const call = await openCall(origin, therapist);
  return [...(await benchRelay(origin, therapist, call)), ...(await benchConnect(origin, call))];
}

function printTable(figures: CallFigure[]) {
  const lines = ['| scenario | n | ok | p50 ms | p99 ms | note |', '| --- | ---: | ---: | ---: | ---: | --- |', ...figures.map((f) => `| ${f.scenario} | ${f.requests} | ${f.ok} | ${f.p50} | ${f.p99} | ${f.note} |`)];
  console.log(`\n${lines.join('\n')}\n`);
}

// `node bench/call.ts`: the call figures alone, on a throwaway local app.
if (process.argv[1]?.endsWith('bench/call.ts')) {
  const { startLocalServer } = await import('../tests/e2e/server.ts');
  const server = await startLocalServer();
  try {
    printTable(await benchCall(server.origin));
  } finally {
    await server.stop();
  }
}
