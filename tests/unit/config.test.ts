import { describe, expect, it } from 'vitest';
import { unstable_readConfig } from 'wrangler';
import { readConfig } from '../../workers/lib/config';

const REAL_SECRETS = { RESEND_API_KEY: 're_test_abcdefghijk', JOIN_TOKEN_SECRET: 'a-production-secret-of-enough-length-xyz' };

/** The variables wrangler hands the Worker for an environment of wrangler.toml (undefined: the top level). */
function varsOf(env?: string): Record<string, unknown> {
  return { ...unstable_readConfig({ config: 'wrangler.toml', ...(env ? { env } : {}) }).vars };
}

/** readConfig takes the Worker's Env; these tests hand it plain variables as wrangler would. */
function configOf(vars: Record<string, unknown>) {
  return readConfig(vars as unknown as Env);
}

describe('local-only routes and the sample join-token secret', () => {
  it('turns the local routes on for the top-level configuration that npm start, the tests and the bench use', () => {
    const vars = varsOf();
    expect(vars.LOCAL_DEV_ROUTES).toBe('true');
    expect(configOf(vars).isLocal).toBe(true);
  });

  it('does not pass the flag on to the production configuration, which starts with real secrets', () => {
    const vars = varsOf('production');
    expect(vars).not.toHaveProperty('LOCAL_DEV_ROUTES');
    expect(configOf({ ...vars, ...REAL_SECRETS }).isLocal).toBe(false);
  });

  it('refuses production configuration that carries the flag, whatever its value', () => {
    const vars = { ...varsOf('production'), ...REAL_SECRETS };
    expect(() => configOf({ ...vars, LOCAL_DEV_ROUTES: 'true' })).toThrow('LOCAL_DEV_ROUTES must not be set in production');
    expect(() => configOf({ ...vars, LOCAL_DEV_ROUTES: 'false' })).toThrow('LOCAL_DEV_ROUTES must not be set in production');
  });

  it('refuses every environment without the flag that keeps the sample join-token secret, naming no value', () => {
    const sample = String(varsOf().JOIN_TOKEN_SECRET);
    for (const ENVIRONMENT of ['development', 'test', 'production']) {
      const vars = { ...varsOf(), ...REAL_SECRETS, ENVIRONMENT, LOCAL_DEV_ROUTES: undefined, JOIN_TOKEN_SECRET: sample };
      expect(() => configOf(vars), ENVIRONMENT).toThrow('JOIN_TOKEN_SECRET must be a real secret');
      expect(() => configOf({ ...vars, LOCAL_DEV_ROUTES: 'false' }), ENVIRONMENT).toThrow(/^Invalid configuration: (?!.*local-only)/);
    }
  });

  it('starts a deployed non-production environment without the flag when its secret is real, with the local routes off', () => {
    const config = configOf({ ...varsOf(), LOCAL_DEV_ROUTES: undefined, JOIN_TOKEN_SECRET: REAL_SECRETS.JOIN_TOKEN_SECRET });
    expect(config.ENVIRONMENT).toBe('development');
    expect(config.isLocal).toBe(false);
  });
});
