import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
export default defineConfig({
  plugins: [cloudflareTest(async () => ({ wrangler: { configPath: './wrangler.toml' } }))],
  test: { include: ['tests/integration/**/*.test.ts'] },
});
