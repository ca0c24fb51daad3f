import { createClient } from '@libsql/client/web';
import type { MiddlewareHandler } from 'hono';
import { databaseFromD1, databaseFromLibsql, type Database } from '../../db/client';
import { withSecureDelete } from '../../db/secure-delete';
import type { Deps } from '../services/deps';
import { outboxMailer, resendMailer } from '../services/mailer';
import { workerPasswordHasher } from './argon2-module';
import { readConfig, type AppConfig } from './config';
import type { HonoEnv } from './hono-env';
import { callRoomGateway } from './rooms';

/** The one database factory: libSQL when LIBSQL_URL is configured, the D1 binding otherwise. */
export function createDatabase(env: Env, config: AppConfig): Database {
  if (config.LIBSQL_URL) {
    return databaseFromLibsql(withSecureDelete(createClient({ url: config.LIBSQL_URL, authToken: config.LIBSQL_AUTH_TOKEN })));
  }
  return databaseFromD1(env.DB);
}

export async function createDeps(env: Env): Promise<Deps> {
  const config = readConfig(env);
  const db = createDatabase(env, config);
  const now = () => Date.now();
  const mailer = config.RESEND_API_KEY
    ? resendMailer({ apiKey: config.RESEND_API_KEY, from: config.MAIL_FROM, fetch: (request) => fetch(request) })
    : outboxMailer(db, now);
  return { db, mailer, passwords: await workerPasswordHasher(), callRooms: callRoomGateway(env, config), config, now };
}

export const depsMiddleware: MiddlewareHandler<HonoEnv> = async (c, next) => {
  const deps = await createDeps(c.env);
  c.set('deps', deps);
  c.set('config', deps.config);
  await next();
};
