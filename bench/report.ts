// Tables of `npm run bench`: printed, and written to bench/results/ (one JSON file per area, SUMMARY.md for all).
import { mkdirSync, writeFileSync } from 'node:fs';
import type { ErasureFigure } from './erasure.ts';
import type { BulkPractice, ExportFigure } from './export.ts';
import type { BundleSizes, SizeFigure } from './sizes.ts';
import { formatMiB } from './stats.ts';

export type LoadRow = { scenario: string; concurrency: number; requests: number; ok: number; statuses: Record<string, number>; rps: number; p50: number; p99: number; ofCeiling: number | null; note?: string };
export type Results = { load: LoadRow[]; practice: BulkPractice; exports: ExportFigure[]; erasures: ErasureFigure[]; bundle: BundleSizes; bookingPage: SizeFigure[] };

function formatTable(header: string[], align: ('l' | 'r')[], rows: (string | number)[][]): string {
  const rule = align.map((a) => (a === 'r' ? '---:' : '---'));
  return [header, rule, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

function formatLoad(rows: LoadRow[]): string {
  const header = ['scenario', 'concurrency', 'requests', 'ok', 'rps', 'p50 ms', 'p99 ms', 'rps / trivial'];
  return formatTable(header, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'], rows.map((r) => [r.scenario, r.concurrency, r.requests, r.ok, r.rps, r.p50, r.p99, r.ofCeiling ?? '']));
}

function formatExports(figures: ExportFigure[]): string {
  const header = ['format', 'MiB', 'runs', 'first byte p50 ms', 'total p50 ms (min–max)', 'MiB/s', 'app RSS MiB, before → peak, per run', 'rows (clients / appointments)'];
  const rows = figures.map((f) => [
    f.format,
    formatMiB(f.bytes),
    f.totalMs.runs,
    f.firstByteMs.p50,
    `${f.totalMs.p50} (${f.totalMs.min}–${f.totalMs.max})`,
    f.mibPerSecond,
    f.memory.runs.map((run) => `${run.beforeMiB} → ${run.peakMiB}`).join('; '),
    f.counts ? `${f.counts.clients} / ${f.counts.appointments}` : 'not in this format',
  ]);
  return formatTable(header, ['l', 'r', 'r', 'r', 'r', 'r', 'l', 'r'], rows);
}

function formatErasures(figures: ErasureFigure[]): string {
  const header = ['path', 'request', 'subject', 'runs', 'p50 ms', 'min ms', 'max ms', 'outcome'];
  const rows = figures.map((f) => [f.path, `\`${f.request}\``, f.subject, f.timings.runs, f.timings.p50, f.timings.min, f.timings.max, f.outcomes.join(', ')]);
  return formatTable(header, ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'l'], rows);
}

function formatSizes(bundle: BundleSizes, page: SizeFigure[]): string {
  const rows = [...bundle.files, bundle.total, ...page].map((f) => [f.kind, f.item, f.raw, f.gzip, (f.gzip / 1024).toFixed(1)]);
  return formatTable(['kind', 'item', 'raw bytes', 'gzip -9 bytes', 'gzip KiB'], ['l', 'l', 'r', 'r', 'r'], rows);
}

/** The tables with what each figure means, for the console and SUMMARY.md. */
export function formatSummary(results: Results): string {
  const { practice, exports, bundle } = results;
  const memory = exports[0]?.memory;
  return [
    '## Requests under load',
    formatLoad(results.load),
    `## Whole-practice export (${practice.counts.clients.toLocaleString('en')} clients, ${practice.counts.appointments.toLocaleString('en')} appointments)`,
    `GET /api/export as the practice's therapist, the whole body read as it streams in, over loopback. Seeding the practice (POST /dev/seed-bulk) took ${practice.seedMs} ms. ` +
      `Memory is the resident set (RSS) of the workerd process that runs the Worker together with the local D1 database and the Durable Objects, so it includes SQLite's page cache; ` +
      `the peak is ${memory?.peakMethod ?? 'VmHWM'}; the runs of a format follow each other, JSON first. ` +
      `The proxy workerd in front grew at most ${Math.max(...exports.map((f) => f.proxyPeakGrowthMiB))} MiB. The Worker's own JS heap is not visible from outside and is not reported.`,
    formatExports(exports),
    '## Erasure of one data subject',
    'Only the erasing request is timed; the subject is booked, given notes and (for the DPO) asked for and verified beforehand.',
    formatErasures(results.erasures),
    '## Sizes',
    `Worker bundle from \`wrangler deploy --dry-run --env production\` (source map left out; wrangler itself reports: ${bundle.wranglerReport ?? 'n/a'}), ` +
      'and the public booking page with the files it references, fetched uncompressed.',
    formatSizes(bundle, results.bookingPage),
  ].join('\n\n');
}

export function writeResults(results: Results, machine: { node: string; platform: string; note: string }) {
  const measuredAt = new Date().toISOString();
  const write = (name: string, data: Record<string, unknown>) => writeFileSync(`bench/results/${name}`, `${JSON.stringify({ measuredAt, machine, ...data }, null, 2)}\n`);
  mkdirSync('bench/results', { recursive: true });
  write('booking.json', { figures: results.load });
  write('export.json', { practice: results.practice, figures: results.exports });
  write('erasure.json', { figures: results.erasures });
  write('sizes.json', { bundle: results.bundle, bookingPage: results.bookingPage });
  const intro = `Measured ${measuredAt} on ${machine.note}, Node ${machine.node}. Figures are reported, never asserted.`;
  writeFileSync('bench/results/SUMMARY.md', `# Benchmark summary\n\n${intro}\n\n${formatSummary(results)}\n`);
}
