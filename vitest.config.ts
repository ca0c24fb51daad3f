import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { buildClient } from './scripts/build-client';

// Every vitest run, whichever project or file, serves the static files built from the current web/client.
await buildClient();

export default defineConfig({
  test: {
    reporters: ['default', './tests/summary-reporter.ts'],
    projects: [
      {
        // Real workerd, real D1 and Durable Objects, configured from wrangler.toml.
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: { ENVIRONMENT: 'test', TEST_MIGRATIONS: await readD1Migrations('./db/migrations') },
            },
          })),
        ],
        test: {
          name: 'workers',
          include: ['tests/integration/**/*.test.{ts,tsx}'],
          // Generous: CI machines have two cores, and the large-export and race tests do real work.
          testTimeout: 60_000,
          hookTimeout: 60_000,
          setupFiles: ['./tests/integration/apply-migrations.ts'],
        },
      },
      {
        test: { name: 'node', environment: 'node', include: ['tests/unit/**/*.test.ts'] },
      },
      {
        test: {
          name: 'browser',
          environment: 'node',
          include: ['tests/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
