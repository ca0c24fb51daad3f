import { z } from 'zod';

/** Validated configuration. Parsed once per isolate; a bad deployment fails on its first request, not later. */
const configSchema = z.object({
  ENVIRONMENT: z.enum(['development', 'test', 'production']),
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

export type AppConfig = z.infer<typeof configSchema> & { isLocal: boolean };

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
  if (parsed.data.ENVIRONMENT === 'production' && !parsed.data.RESEND_API_KEY) {
    throw new Error('Invalid configuration: RESEND_API_KEY is required in production');
  }
  if (parsed.data.ENVIRONMENT === 'production' && parsed.data.JOIN_TOKEN_SECRET.startsWith('local-only')) {
    throw new Error('Invalid configuration: JOIN_TOKEN_SECRET must be a real secret in production');
  }
  const config = { ...parsed.data, isLocal: parsed.data.ENVIRONMENT !== 'production' };
  cache.set(env, config);
  return config;
}
