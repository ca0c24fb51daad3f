// `npm run bench`: starts the app locally (seeded, loopback only), measures, prints a table and writes the figures to
// bench/results/. It reports; it never asserts a time. Load and call figures here and in call.ts; the whole-practice
// export in export.ts, erasure in erasure.ts, bundle and page sizes in sizes.ts; tables in report.ts.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startLocalServer } from '../tests/e2e/server.ts';
import { benchCall } from './call.ts';
import { benchErasure } from './erasure.ts';
import { benchExport, requestBulkPractice } from './export.ts';
import { isoDate } from './http.ts';
import { formatSummary, type LoadRow, type Results, writeResults } from './report.ts';
import { measureBookingPage, measureBundle } from './sizes.ts';
import { percentile } from './stats.ts';

type Figure = { scenario: string; concurrency: number; requests: number; ok: number; statuses: Record<string, number>; rps: number; p50: number; p99: number };

const LEVELS = [1, 16, 64];

/** Runs `total` requests with at most `concurrency` in flight and reports throughput and latency percentiles. */
async function measure(scenario: string, concurrency: number, total: number, send: (i: number) => Promise<Response>, okStatus: number): Promise<Figure> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        let status = 'network-error';
        try {
          const response = await send(i);
          await response.arrayBuffer();
          status = String(response.status);
        } catch {
          // wrangler dev occasionally drops a kept-alive connection under load; counted, not fatal.
        }
        latencies.push(performance.now() - t0);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return { scenario, concurrency, requests: total, ok: statuses[okStatus] ?? 0, statuses, rps: round(total / seconds), p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)) };
}

async function bookablePractices(origin: string, stateDir: string, count: number) {
  const practices: { slug: string; id: string }[] = [];
  for (let i = 0; i < count; i++) {
    const slug = `bench-${Date.now().toString(36)}-${i}`;
    const response = await fetch(`${origin}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ practiceName: `Bench ${i}`, slug, timeZone: 'Europe/Berlin', displayName: 'Bench', email: `${slug}@example.com`, password: 'bench-password-long', acceptDpa: true, dpaVersion: '2026-11-01' }),
    });
    const body = (await response.json()) as { practice: { id: string } };
    practices.push({ slug, id: body.practice.id });
  }
  // Opening hours have no public API yet; the bench writes them straight into its throwaway local database.
  const rows = practices.flatMap((p) => [1, 2, 3, 4, 5].map((d) => `('${crypto.randomUUID()}','${p.id}',${d},480,1200)`));
  // Run without blocking the event loop: a blocked loop misses the server closing idle kept-alive sockets, and the
  // next fetch would go out on a closed one ("other side closed").
  // The bench measures throughput, not the limits of unconfirmed bookings, so its practices may hold without limit.
  const ids = practices.map((p) => `'${p.id}'`).join(',');
  const sql = `INSERT INTO working_hours (id, practice_id, weekday, start_minute, end_minute) VALUES ${rows.join(',')}; UPDATE practices SET hold_max_pending = 100000, hold_max_per_hour = 100000 WHERE id IN (${ids})`;
  await promisify(execFile)('npx', ['wrangler', 'd1', 'execute', 'DB', '--local', '--persist-to', stateDir, '--command', sql], {
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' },
  }).catch((error: unknown) => {
    throw new Error(`could not open the bench practices: ${error instanceof Error ? error.message : 'wrangler failed'}`);
  });
  return practices;
}

/** Non-overlapping free slots of one type per practice: every other start of a 30-minute grid with 60 minutes blocked. */
async function bookingTargets(origin: string, practices: { slug: string }[]) {
  const targets: { slug: string; typeId: string; start: string }[] = [];
  const from = isoDate(Date.now());
  const to = isoDate(Date.now() + 20 * 86_400_000);
  for (const { slug } of practices) {
    const { slots } = (await (await fetch(`${origin}/api/p/${slug}/slots?from=${from}&to=${to}`)).json()) as { slots: { start: string; typeId: string }[] };
    const typeId = slots[0]?.typeId ?? '';
    const ofType = slots.filter((s) => s.typeId === typeId);
    for (let i = 0; i < ofType.length && i < 100; i += 2) targets.push({ slug, typeId, start: ofType[i]?.start ?? '' });
  }
  return targets;
}

async function measureReads(origin: string): Promise<Figure[]> {
  const figures: Figure[] = [];
  const from = isoDate(Date.now());
  const to = isoDate(Date.now() + 13 * 86_400_000);
  for (const c of LEVELS) {
    const total = Math.max(100, c * 8);
    figures.push(await measure('trivial route (GET /api/health)', c, total, () => fetch(`${origin}/api/health`), 200));
    figures.push(await measure('slot listing (14 days)', c, total, () => fetch(`${origin}/api/p/demo/slots?from=${from}&to=${to}`), 200));
  }
  return figures;
}

async function measureBookings(origin: string, stateDir: string): Promise<Figure[]> {
  const figures: Figure[] = [];
  const practices = await bookablePractices(origin, stateDir, 12);
  const targets = await bookingTargets(origin, practices);
  let cursor = 0;
  for (const c of LEVELS) {
    const total = Math.min(Math.max(40, c * 4), targets.length - cursor);
    const batch = targets.slice(cursor, cursor + total);
    cursor += total;
    figures.push(
      // A public booking is a hold until its emailed link is confirmed; this measures the hold (202).
      await measure('booking request (hold)', c, total, (i) => {
        const t = batch[i];
        return fetch(`${origin}/api/p/${t?.slug}/bookings`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ typeId: t?.typeId, start: t?.start, name: 'B.', email: `bench-${c}-${i}@example.com`, termsVersion: 1, acceptTerms: true }),
        });
      }, 202),
    );
  }
  return figures;
}

/** Throughput relative to the trivial route at the same concurrency: how much of the ceiling a scenario reaches. */
function relateToCeiling(figures: Figure[]): LoadRow[] {
  const ceiling = new Map(figures.filter((f) => f.scenario.startsWith('trivial')).map((f) => [f.concurrency, f.rps]));
  return figures.map((f) => {
    const trivial = ceiling.get(f.concurrency);
    return { ...f, ofCeiling: trivial ? Math.round((f.rps / trivial) * 100) / 100 : null };
  });
}

async function main() {
  // Built before the app starts, so the build's CPU does not overlap any timing.
  const bundle = measureBundle();
  const server = await startLocalServer();
  const { origin } = server;
  let results: Results;
  try {
    const reads = await measureReads(origin);
    const calls = await benchCall(origin);
    const practice = await requestBulkPractice(origin);
    const exports = await benchExport(origin, practice);
    const erasures = await benchErasure(origin, practice);
    const bookingPage = await measureBookingPage(origin, 'demo');
    // Last: at 64 concurrent bookings wrangler dev itself has been seen to exit, which would end every later scenario.
    const bookings = await measureBookings(origin, server.stateDir);
    results = { load: relateToCeiling([...reads, ...bookings, ...calls]), practice, exports, erasures, bundle, bookingPage };
  } finally {
    await server.stop();
  }
  console.log(`\n${formatSummary(results)}\n`);
  writeResults(results, { node: process.version, platform: process.platform, note: 'wrangler dev (local workerd + local D1) over loopback' });
}

await main();
