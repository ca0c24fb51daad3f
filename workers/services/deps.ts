import type { Database } from '../../db/client';
import type { AppConfig } from '../lib/config';
import type { Mailer } from './mailer';
import type { PasswordHasher } from './passwords';

/** What every service needs, built once per request (or once per test) and passed explicitly. */
export type Deps = {
  db: Database;
  mailer: Mailer;
  passwords: PasswordHasher;
  config: AppConfig;
  now: () => number;
};
