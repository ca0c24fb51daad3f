import { createExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../workers/app';
import { ORIGIN } from './harness';
import { ROUTE_ACCESS } from './route-table';

// Local routes are opt-in (LOCAL_DEV_ROUTES = "true" in the top-level [vars] of wrangler.toml): a deployed
// development or test environment, which lacks the flag, must not answer them (issue 11, item 15).

const LOCAL = Object.keys(ROUTE_ACCESS).filter((key) => ROUTE_ACCESS[key] === 'local');
const REAL_SECRET = 'a-deployed-secret-of-enough-length-xyz';

async function statusOf(key: string, vars: Record<string, unknown>): Promise<number> {
  const [method = '', path = ''] = key.split(' ');
  const response = await createApp().fetch(new Request(`${ORIGIN}${path}`, { method, headers: { accept: 'application/json' } }), { ...env, ...vars }, createExecutionContext());
  return response.status;
}

describe('local-only routes', () => {
  it('lists the outbox and both seeds as local routes', () => {
    expect(LOCAL).toEqual(expect.arrayContaining(['GET /dev/outbox', 'POST /dev/seed', 'POST /dev/seed-bulk']));
  });

  it('answers 404 on every local route of a development or test environment without the flag, and seeds nothing', async () => {
    const practices = await env.DB.prepare('SELECT count(*) AS n FROM practices').first('n');
    for (const ENVIRONMENT of ['development', 'test']) {
      for (const flag of [undefined, 'false']) {
        for (const key of LOCAL) expect(await statusOf(key, { ENVIRONMENT, LOCAL_DEV_ROUTES: flag, JOIN_TOKEN_SECRET: REAL_SECRET }), `${key} ${ENVIRONMENT} ${flag}`).toBe(404);
      }
    }
    expect(await env.DB.prepare('SELECT count(*) AS n FROM practices').first('n')).toBe(practices);
  });

  it('answers the outbox when the flag is set', async () => {
    expect(await statusOf('GET /dev/outbox', { LOCAL_DEV_ROUTES: 'true' })).toBe(200);
  });
});
