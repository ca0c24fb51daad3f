import { z } from 'zod';

/** What wrangler.toml ships for local runs; no environment without LOCAL_DEV_ROUTES may start with it. */
export const SAMPLE_JOIN_TOKEN_SECRET_PREFIX = 'local-only';

/** Validated configuration. Parsed once per isolate; a bad deployment fails on its first request, not later. */
const configSchema = z.object({
  ENVIRONMENT: z.enum(['development', 'test', 'production']),
  /**
   * Opt-in for the local-only routes (`/dev/*`: outbox, demo seed, bench data). Set in the top-level [vars] of
   * wrangler.toml only, which wrangler does not pass on to [env.*]; production configuration refuses to carry it.
   */
  LOCAL_DEV_ROUTES: z.enum(['true', 'false']).optional(),
  APP_ORIGIN: z.url(),
  MAIL_FROM: z.string().min(3),
  DPO_EMAIL: z.email(),
  DO_JURISDICTION: z.enum(['', 'eu', 'fedramp']).default(''),
  RESEND_API_KEY: z.string().min(10).optional(),
  LIBSQL_URL: z.string().min(1).optional(),
  LIBSQL_AUTH_TOKEN: z.string().min(1).optional(),
  /** Signs call join tokens (HMAC-SHA-256); a secret of at least 32 characters in production. */
  JOIN_TOKEN_SECRET: z.string().min(32),
  /** Comma-separated STUN URLs; TURN URLs and the TURN REST shared secret for relayed calls. */
  ICE_STUN_URLS: z.string().default(''),
  TURN_URLS: z.string().default(''),
  TURN_SECRET: z.string().min(16).optional(),
});

type ParsedConfig = z.infer<typeof configSchema>;
/** `isLocal`: this is a local run (npm start, tests, bench) that asked for the local-only routes. */
export type AppConfig = ParsedConfig & { isLocal: boolean };

/** Rules across variables. Each message names variables, never their values (which may be secrets). */
function configProblems(config: ParsedConfig): string[] {
  const production = config.ENVIRONMENT === 'production';
  const local = config.LOCAL_DEV_ROUTES === 'true';
  const problems: string[] = [];
  if (production && config.LOCAL_DEV_ROUTES !== undefined) problems.push('LOCAL_DEV_ROUTES must not be set in production');
  if (production && !config.RESEND_API_KEY) problems.push('RESEND_API_KEY is required in production');
  if (!local && config.JOIN_TOKEN_SECRET.startsWith(SAMPLE_JOIN_TOKEN_SECRET_PREFIX)) {
    problems.push('JOIN_TOKEN_SECRET must be a real secret outside local runs (wrangler secret put JOIN_TOKEN_SECRET)');
  }
  return problems;
}

const cache = new WeakMap<object, AppConfig>();

export function readConfig(env: Env): AppConfig {
  const cached = cache.get(env);
  if (cached) return cached;
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    // Names only: values may be secrets.
    const names = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new Error(`Invalid configuration: ${names}`);
  }
  const problems = configProblems(parsed.data);
  if (problems.length) throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  const config = { ...parsed.data, isLocal: parsed.data.LOCAL_DEV_ROUTES === 'true' };
  cache.set(env, config);
  return config;
}
