import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The files under `dir` whose bytes contain any of `needles` (as UTF-8), as "file: needle". */
export function filesHolding(dir: string, needles: string[]): string[] {
  const hits: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const bytes = readFileSync(path);
    for (const needle of needles.filter(Boolean)) if (bytes.includes(needle)) hits.push(`${path}: ${needle}`);
  }
  return hits;
}
