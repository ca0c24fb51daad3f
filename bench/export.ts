// Whole-practice export figures for `npm run bench`: seeds the bulk practice (10,000 clients, 100,000 appointments)
// through the local-only POST /dev/seed-bulk, then downloads GET /api/export as its therapist, end to end over
// loopback, JSON and FHIR (a practice has no CSV export). Per download: time to the first byte and to the last, and
// the resident memory of the app's workerd process (Worker, local D1 and Durable Objects in one process): its size just
// before, and its peak during the download (VmHWM, reset before each download). Reports; never asserts.
import { z } from 'zod';
import { callJson, sessionHeaders, signIn } from './http.ts';
import { findWorkerds, readResident, resetPeak } from './memory.ts';
import { roundTo, summariseRuns, type Spread } from './stats.ts';

const RUNS = 3;

export type ExportFigure = {
  format: 'json' | 'fhir';
  bytes: number;
  counts: Record<string, number> | null;
  firstByteMs: Spread;
  totalMs: Spread;
  mibPerSecond: number;
  /** Per run, in order: the app workerd's resident set just before the download and its peak during it. */
  memory: { process: string; peakMethod: string; runs: { beforeMiB: number; peakMiB: number }[] };
  proxyPeakGrowthMiB: number;
};

const seedAnswer = z.object({
  practice: z.object({ slug: z.string(), id: z.string() }),
  account: z.object({ email: z.string(), password: z.string() }),
  counts: z.object({ clients: z.number(), appointments: z.number() }),
});
export type BulkPractice = z.infer<typeof seedAnswer> & { seedMs: number };

/** Creates the bulk practice in the local database once (about 110,000 rows, set-wise). */
export async function requestBulkPractice(origin: string): Promise<BulkPractice> {
  const started = performance.now();
  const seeded = await callJson(`${origin}/dev/seed-bulk`, { method: 'POST', expect: 200, answer: seedAnswer });
  return { ...seeded, seedMs: roundTo(performance.now() - started) };
}

type Download = { firstByteMs: number; totalMs: number; bytes: number; tail: string };

/** Reads the whole body as it streams in, keeping only a byte count and the last chunks (for the counts). */
async function download(url: string, headers: Record<string, string>): Promise<Download> {
  const started = performance.now();
  const response = await fetch(url, { headers });
  const reader = response.body?.getReader();
  if (response.status !== 200 || !reader) throw new Error(`export answered ${response.status}`);
  let firstByteMs = 0;
  let bytes = 0;
  let last: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (bytes === 0) firstByteMs = performance.now() - started;
    bytes += value.byteLength;
    last = [...last.slice(-1), value];
  }
  const totalMs = performance.now() - started;
  return { firstByteMs, totalMs, bytes, tail: new TextDecoder().decode(Buffer.concat(last)) };
}

/** The JSON export ends with the number of rows written per table. */
function readCounts(tail: string): Record<string, number> | null {
  const counts = /"counts":(\{[^}]*\})/.exec(tail)?.[1];
  return counts ? z.record(z.string(), z.number()).parse(JSON.parse(counts)) : null;
}

type Measured = Download & { rssBeforeKiB: number; peakKiB: number; proxyGrowthKiB: number; peakMethod: string };

/** One download with the app's peak resident set reset first; without /proc access, the peak is sampled. */
async function measureDownload(url: string, headers: Record<string, string>, port: number): Promise<Measured> {
  const processes = findWorkerds(port);
  const app = processes.find((p) => p.role === 'app');
  const proxy = processes.find((p) => p.role === 'proxy');
  if (!app) throw new Error('no workerd process of this bench found');
  const reset = resetPeak(app.pid) && (!proxy || resetPeak(proxy.pid));
  const before = readResident(app.pid);
  const proxyBefore = proxy ? readResident(proxy.pid).rssKiB : 0;
  let sampled = before.rssKiB;
  const sampler = setInterval(() => (sampled = Math.max(sampled, readResident(app.pid).rssKiB)), 20);
  const result = await download(url, headers).finally(() => clearInterval(sampler));
  const after = readResident(app.pid);
  const proxyGrowthKiB = proxy ? readResident(proxy.pid).peakKiB - proxyBefore : 0;
  const peakKiB = reset ? after.peakKiB : Math.max(sampled, after.rssKiB);
  return { ...result, rssBeforeKiB: before.rssKiB, peakKiB, proxyGrowthKiB, peakMethod: reset ? 'VmHWM, reset just before the download' : 'VmRSS sampled every 20 ms' };
}

const mib = (kib: number) => roundTo(kib / 1024);

function summariseFormat(format: 'json' | 'fhir', runs: Measured[]): ExportFigure {
  const [first] = runs;
  if (!first) throw new Error('no export run');
  const totalMs = summariseRuns(runs.map((r) => r.totalMs));
  return {
    format,
    bytes: first.bytes,
    counts: readCounts(first.tail),
    firstByteMs: summariseRuns(runs.map((r) => r.firstByteMs)),
    totalMs,
    mibPerSecond: roundTo(first.bytes / 1024 / 1024 / (totalMs.p50 / 1000)),
    memory: {
      process: 'workerd running the Worker, local D1 and Durable Objects (resident set, MiB)',
      peakMethod: first.peakMethod,
      runs: runs.map((run) => ({ beforeMiB: mib(run.rssBeforeKiB), peakMiB: mib(run.peakKiB) })),
    },
    proxyPeakGrowthMiB: mib(Math.max(...runs.map((r) => r.proxyGrowthKiB))),
  };
}

/** Downloads each format RUNS times as the bulk practice's therapist. */
export async function benchExport(origin: string, practice: BulkPractice): Promise<ExportFigure[]> {
  const port = Number(new URL(origin).port);
  const session = await signIn(origin, practice.account.email, practice.account.password);
  const figures: ExportFigure[] = [];
  for (const format of ['json', 'fhir'] as const) {
    const runs: Measured[] = [];
    for (let run = 0; run < RUNS; run++) runs.push(await measureDownload(`${origin}/api/export?format=${format}`, sessionHeaders(session), port));
    figures.push(summariseFormat(format, runs));
  }
  return figures;
}
