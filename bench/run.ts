// `npm run bench`: starts the app locally (seeded, loopback only), measures, prints a table and writes the figures to
// bench/results/. It reports; it never asserts a time.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { startLocalServer } from '../tests/e2e/server.ts';
import { benchCall } from './call.ts';

type Figure = { scenario: string; concurrency: number; requests: number; ok: number; statuses: Record<string, number>; rps: number; p50: number; p99: number };

const LEVELS = [1, 16, 64];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

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

function isoDate(at: number) {
  return new Date(at).toISOString().slice(0, 10);
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
  const insert = spawnSync('npx', ['wrangler', 'd1', 'execute', 'DB', '--local', '--persist-to', stateDir, '--command', `INSERT INTO working_hours (id, practice_id, weekday, start_minute, end_minute) VALUES ${rows.join(',')}`], {
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' },
    encoding: 'utf8',
  });
  if (insert.status !== 0) throw new Error(`could not open the bench practices: ${insert.stderr}`);
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

async function main() {
  const server = await startLocalServer();
  const { origin } = server;
  const figures: Figure[] = [];
  try {
    const from = isoDate(Date.now());
    const to = isoDate(Date.now() + 13 * 86_400_000);
    for (const c of LEVELS) {
      const total = Math.max(100, c * 8);
      figures.push(await measure('trivial route (GET /api/health)', c, total, () => fetch(`${origin}/api/health`), 200));
      figures.push(await measure('slot listing (14 days)', c, total, () => fetch(`${origin}/api/p/demo/slots?from=${from}&to=${to}`), 200));
    }
    const practices = await bookablePractices(origin, server.stateDir, 12);
    const targets = await bookingTargets(origin, practices);
    let cursor = 0;
    for (const c of LEVELS) {
      const total = Math.min(Math.max(40, c * 4), targets.length - cursor);
      const batch = targets.slice(cursor, cursor + total);
      cursor += total;
      figures.push(
        await measure('booking creation', c, total, (i) => {
          const t = batch[i];
          return fetch(`${origin}/api/p/${t?.slug}/bookings`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ typeId: t?.typeId, start: t?.start, name: 'B.', email: `bench-${c}-${i}@example.com`, termsVersion: 1, acceptTerms: true }),
          });
        }, 201),
      );
    }
    figures.push(...(await benchCall(origin)));
  } finally {
    await server.stop();
  }
  report(figures);
}

function report(figures: Figure[]) {
  const ceiling = new Map(figures.filter((f) => f.scenario.startsWith('trivial')).map((f) => [f.concurrency, f.rps]));
  const rows = figures.map((f) => ({ ...f, ofCeiling: ceiling.get(f.concurrency) ? Math.round((f.rps / (ceiling.get(f.concurrency) ?? 1)) * 100) / 100 : null }));
  const header = '| scenario | concurrency | requests | ok | rps | p50 ms | p99 ms | rps / trivial |';
  const lines = [header, '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |', ...rows.map((r) => `| ${r.scenario} | ${r.concurrency} | ${r.requests} | ${r.ok} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.ofCeiling ?? ''} |`)];
  const table = lines.join('\n');
  console.log(`\n${table}\n`);
  mkdirSync('bench/results', { recursive: true });
  const stamp = new Date().toISOString();
  const machine = { node: process.version, platform: process.platform, note: 'wrangler dev (local workerd + local D1) over loopback' };
  writeFileSync('bench/results/booking.json', `${JSON.stringify({ measuredAt: stamp, machine, figures: rows }, null, 2)}\n`);
  writeFileSync('bench/results/SUMMARY.md', `# Benchmark summary\n\nMeasured ${stamp} on ${machine.note}, Node ${machine.node}. Figures are reported, never asserted.\n\n${table}\n`);
}

await main();
