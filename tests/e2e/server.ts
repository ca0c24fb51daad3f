import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scrubLocalState } from '../../scripts/scrub-local-state.ts';
import { redactSecrets } from '../../workers/lib/redact';

/** `shutdown` ends wrangler dev, waits for it and scrubs the state it leaves (as npm start does); `stop` also removes it. */
export type LocalServer = { origin: string; stateDir: string; shutdown(): Promise<void>; stop(): Promise<void> };

const ENV = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', CI: 'true' };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Starts the Worker as `npm start` does (wrangler dev, local D1 with migrations, demo seed), on a throwaway database. */
export async function startLocalServer(): Promise<LocalServer> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const state = mkdtempSync(join(tmpdir(), 'praxisraum-e2e-'));
  const migrate = spawnSync('npx', ['wrangler', 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state], { env: ENV, encoding: 'utf8' });
  if (migrate.status !== 0) throw new Error(`migrations failed: ${migrate.stderr}`);
  const child: ChildProcess = spawn(
    'npx',
    ['wrangler', 'dev', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', state, '--var', `APP_ORIGIN:${origin}`, '--show-interactive-dev-session=false'],
    { env: ENV, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let output = '';
  // What wrangler prints is kept (and shown on failure) with its tokens cut out, like `npm start` does.
  child.stdout?.on('data', (chunk) => (output += redactSecrets(String(chunk))));
  child.stderr?.on('data', (chunk) => (output += redactSecrets(String(chunk))));
  if (process.env.BENCH_DEBUG) {
    child.stdout?.on('data', (c) => process.stderr.write(redactSecrets(String(c))));
    child.stderr?.on('data', (c) => process.stderr.write(redactSecrets(String(c))));
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const halt = async () => {
    if (child.pid && child.exitCode === null) {
      process.kill(-child.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  };
  const shutdown = async () => {
    await halt();
    scrubLocalState(state);
  };
  const stop = async () => {
    await halt();
    rmSync(state, { recursive: true, force: true });
  };
  for (let attempt = 0; attempt < 240; attempt++) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(`${origin}/api/health`)).ok) {
        const seeded = await fetch(`${origin}/dev/seed`, { method: 'POST' });
        if (!seeded.ok) throw new Error(`seeding failed: ${seeded.status}`);
        return { origin, stateDir: state, shutdown, stop };
      }
    } catch {
      // still starting
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await stop();
  throw new Error(`wrangler dev did not start:\n${output.slice(-2000)}`);
}
