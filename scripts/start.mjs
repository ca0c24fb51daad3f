// `npm start`: applies the D1 migrations to the local database, runs the Worker under `wrangler dev` on
// 127.0.0.1:$PORT (default 8787) with local D1 and Durable Objects, seeds the demo practice and prints its accounts.
import { spawn, spawnSync } from 'node:child_process';
import { scrubLocalState } from './scrub-local-state.ts';
import { createInterface } from 'node:readline';
import { redactSecrets } from '../workers/lib/redact.ts';

const port = Number(process.env.PORT ?? 8787);
const origin = `http://127.0.0.1:${port}`;
// No metrics to Cloudflare, and no lookup of the location placeholder (Request.cf) from the network.
const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' };

const migrate = spawnSync('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local'], {
  env: { ...env, CI: 'true' },
  stdio: 'inherit',
});
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

const dev = spawn(
  'wrangler',
  ['dev', '--ip', '127.0.0.1', '--port', String(port), '--var', `APP_ORIGIN:${origin}`, '--show-interactive-dev-session=false'],
  { env, stdio: ['inherit', 'pipe', 'pipe'] },
);
// wrangler prints every request's path; manage, feed, verification and join tokens are cut out before they reach the
// terminal or a captured log (issue 11, item 14).
for (const [from, to] of [[dev.stdout, process.stdout], [dev.stderr, process.stderr]]) {
  createInterface({ input: from, crlfDelay: Infinity }).on('line', (line) => to.write(`${redactSecrets(line)}\n`));
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => dev.kill(signal));
dev.on('exit', (code) => {
  // workerd cannot delete securely: once it has stopped, erased rows are wiped from the local state's files.
  try {
    scrubLocalState('.wrangler/state');
  } catch (error) {
    console.error(`Could not scrub the local state: ${error instanceof Error ? error.message : error}`);
  }
  process.exit(code ?? 0);
});

async function waitForHealth() {
  for (let attempt = 0; attempt < 240; attempt++) {
    try {
      const response = await fetch(`${origin}/api/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`The Worker did not answer on ${origin} within two minutes`);
}

try {
  await waitForHealth();
  const response = await fetch(`${origin}/dev/seed`, { method: 'POST' });
  if (!response.ok) throw new Error(`Seeding failed with status ${response.status}: ${await response.text()}`);
  const seed = await response.json();
  const lines = [
    '',
    `Praxisraum is running at ${origin}`,
    `  Booking page of the demo practice: ${origin}/book/${seed.practice.slug}`,
    ...seed.accounts.map((a) => `  ${a.role.padEnd(9)} ${a.email} / ${a.password}`),
    `  Outbox (emails sent locally):      ${origin}/dev/outbox`,
    `  API reference:                     ${origin}/api/docs`,
    '',
  ];
  console.log(lines.join('\n'));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  dev.kill('SIGTERM');
  process.exit(1);
}
