// Small helpers shared by the bench files: percentiles, rounding, byte counts.
import { gzipSync } from 'node:zlib';

/** The value at or below which p per cent of the sorted samples lie (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export function roundTo(n: number, places = 1): number {
  const factor = 10 ** places;
  return Math.round(n * factor) / factor;
}

export type Spread = { runs: number; p50: number; min: number; max: number };

/** Median, minimum and maximum of a few timings, in milliseconds to one decimal. */
export function summariseRuns(samples: number[]): Spread {
  const sorted = [...samples].sort((a, b) => a - b);
  return { runs: sorted.length, p50: roundTo(percentile(sorted, 50)), min: roundTo(sorted[0] ?? 0), max: roundTo(sorted.at(-1) ?? 0) };
}

/** Raw and gzipped length in bytes; gzip at level 9, as a CDN compresses static text. */
export function measureBytes(data: Uint8Array): { raw: number; gzip: number } {
  return { raw: data.byteLength, gzip: gzipSync(data, { level: 9 }).byteLength };
}

export function formatMiB(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
