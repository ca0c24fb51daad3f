import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { filesHolding } from '../e2e/state-scan';

describe('the scan of a local app state for user agents', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('finds a needle in the bytes of a nested file, binary around it, and names the file and the needle', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scan-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'v3', 'd1'), { recursive: true });
    const page = Buffer.concat([Buffer.from([0, 1, 2, 255]), Buffer.from('Mozilla/5.0 HeadlessChrome/140'), Buffer.from([0])]);
    writeFileSync(join(dir, 'v3', 'd1', 'db.sqlite-wal'), page);
    writeFileSync(join(dir, 'clean.sqlite'), 'nothing here');
    expect(filesHolding(dir, ['HeadlessChrome', 'Firefox', ''])).toEqual([`${join(dir, 'v3', 'd1', 'db.sqlite-wal')}: HeadlessChrome`]);
  });

  it('finds nothing in a state without the needle', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scan-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'db.sqlite'), 'HeadlessChrom');
    expect(filesHolding(dir, ['HeadlessChrome'])).toEqual([]);
  });
});
