// Size figures for `npm run bench`, raw and gzipped (gzip -9, computed here):
//  1. The Worker bundle as `wrangler deploy --dry-run --env production` writes it (offline; nothing is uploaded):
//     every uploaded module (script and WebAssembly), without the source map, beside wrangler's own upload figure.
//  2. What a visitor of the public booking page downloads: the HTML of /book/<slug>, and the stylesheets and scripts it
//     references, each fetched uncompressed from the running app.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureBytes } from './stats.ts';

export type SizeFigure = { item: string; kind: string; raw: number; gzip: number };
export type BundleSizes = { files: SizeFigure[]; total: SizeFigure; wranglerReport: string | null };

/** Files of the dry-run output that are not uploaded. */
const NOT_UPLOADED = /\.(map|md)$/;

/** Builds the production bundle into a temporary directory and measures what would be uploaded. */
export function measureBundle(): BundleSizes {
  const outdir = mkdtempSync(join(tmpdir(), 'praxisraum-bundle-'));
  try {
    const build = spawnSync('npx', ['wrangler', 'deploy', '--dry-run', '--env', 'production', '--outdir', outdir], {
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' },
      encoding: 'utf8',
    });
    if (build.status !== 0) throw new Error(`wrangler deploy --dry-run failed: ${build.stderr.slice(-1000)}`);
    const files = readdirSync(outdir)
      .filter((name) => !NOT_UPLOADED.test(name))
      .sort()
      .map((name) => ({ item: name.replace(/^[0-9a-f]{40}-/, ''), kind: name.endsWith('.wasm') ? 'wasm' : 'script', ...measureBytes(readFileSync(join(outdir, name))) }));
    const total = { item: 'Worker bundle (all uploaded modules)', kind: 'bundle', raw: sum(files, 'raw'), gzip: sum(files, 'gzip') };
    return { files, total, wranglerReport: /Total Upload: ([^\n]+)/.exec(build.stdout)?.[1]?.trim() ?? null };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function sum(figures: SizeFigure[], key: 'raw' | 'gzip'): number {
  return figures.reduce((total, figure) => total + figure[key], 0);
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  // Node's fetch asks for gzip and decodes it; identity makes sure the bytes counted are the uncompressed ones.
  const response = await fetch(url, { headers: { 'accept-encoding': 'identity' } });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Stylesheets and external scripts the page references, as absolute URLs. */
function listAssets(html: string, pageUrl: string): { url: string; kind: 'css' | 'js' }[] {
  const styles = [...html.matchAll(/<link\b[^>]*\brel="stylesheet"[^>]*>/g)].map((tag) => ({ href: /\bhref="([^"]+)"/.exec(tag[0])?.[1], kind: 'css' as const }));
  const scripts = [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map((tag) => ({ href: tag[1], kind: 'js' as const }));
  return [...styles, ...scripts].flatMap(({ href, kind }) => (href ? [{ url: new URL(href, pageUrl).href, kind }] : []));
}

/** The booking page's transfer: HTML, then CSS and JS each summed over the files referenced (zero when none). */
export async function measureBookingPage(origin: string, slug: string): Promise<SizeFigure[]> {
  const pageUrl = `${origin}/book/${slug}`;
  const html = await fetchBytes(pageUrl);
  const assets = listAssets(new TextDecoder().decode(html), pageUrl);
  const figures: SizeFigure[] = [{ item: `/book/${slug}`, kind: 'html', ...measureBytes(html) }];
  for (const kind of ['css', 'js'] as const) {
    const files = assets.filter((asset) => asset.kind === kind);
    const measured = await Promise.all(files.map(async (file) => measureBytes(await fetchBytes(file.url))));
    const names = files.map((file) => new URL(file.url).pathname).join(', ');
    figures.push({ item: names || `(no ${kind.toUpperCase()} referenced)`, kind, raw: measured.reduce((t, m) => t + m.raw, 0), gzip: measured.reduce((t, m) => t + m.gzip, 0) });
  }
  const total = { item: 'booking page, all of the above', kind: 'total', raw: sum(figures, 'raw'), gzip: sum(figures, 'gzip') };
  return [...figures, total];
}
