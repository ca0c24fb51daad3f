import initializeArgon2 from '@phi-ag/argon2/node';
import { createClient } from '@libsql/client';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { drizzle } from 'drizzle-orm/libsql';
import { beforeAll, describe, expect, it } from 'vitest';
import { databaseFromLibsql } from '../../db/client';
import { DPA_VERSION } from '../../workers/domain/dpa';
import { recordingCallRooms } from '../../workers/lib/rooms';
import { signUp } from '../../workers/services/accounts';
import { confirmEmail } from '../../workers/services/email-confirmation';
import { logIn } from '../../workers/services/auth';
import type { Deps } from '../../workers/services/deps';
import { outboxMailer } from '../../workers/services/mailer';
import { argon2Hasher } from '../../workers/services/passwords';
import { completePasswordReset, requestPasswordReset } from '../../workers/services/password-reset';
import { resolveSession } from '../../workers/services/sessions';
import { NODE_TEST_CONFIG } from './node-config';

/**
 * The same services the Worker runs on D1, run against libSQL (the LIBSQL_URL path), so that path cannot rot.
 * An in-memory libSQL database stands in for a Turso/sqld server: the client and the SQL dialect are the same.
 */
let deps: Deps;

beforeAll(async () => {
  const client = createClient({ url: ':memory:' });
  await migrate(drizzle(client), { migrationsFolder: 'db/migrations' });
  const db = databaseFromLibsql(client);
  deps = {
    db,
    mailer: outboxMailer(db, () => Date.now()),
    passwords: argon2Hasher(await initializeArgon2()),
    callRooms: recordingCallRooms(),
    config: NODE_TEST_CONFIG,
    now: () => Date.now(),
  };
});

describe('libSQL data path', () => {
  it('signs up, refuses a duplicate slug atomically, signs in and resolves the session', async () => {
    const input = {
      practiceName: 'Praxis Süd',
      slug: 'praxis-sued',
      timeZone: 'Europe/Copenhagen',
      displayName: 'Jens Eksempel',
      email: 'jens@example.com',
      password: 'a long libsql passphrase',
      acceptDpa: true,
      dpaVersion: DPA_VERSION,
      locale: 'da' as const,
    };
    const { created, deliver } = await signUp(deps, input);
    await deliver();
    await expect(logIn(deps, { email: input.email, password: input.password })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const mail = await deps.db.query.outboxMessages.findFirst({ where: (m, { eq }) => eq(m.recipient, input.email) });
    await confirmEmail(deps, /confirm-email\?token=([\w-]+)/.exec(mail?.textBody ?? '')?.[1] ?? '');
    await expect(signUp(deps, { ...input, email: 'other@example.com' })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await deps.db.query.users.findFirst({ where: (u, { eq }) => eq(u.email, 'other@example.com') })).toBeUndefined();

    const { token } = await logIn(deps, { email: input.email, password: input.password });
    const session = await resolveSession(deps, token);
    expect(session?.user.practiceId).toBe(created?.practiceId);
    await expect(logIn(deps, { email: input.email, password: 'wrong wrong wrong' })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('runs the batched, single-use password reset', async () => {
    await requestPasswordReset(deps, 'jens@example.com', 'en');
    const mails = await deps.db.query.outboxMessages.findMany({ where: (m, { eq }) => eq(m.recipient, 'jens@example.com') });
    const token = mails.map((m) => /reset-password\?token=([\w-]+)/.exec(m.textBody)?.[1]).find(Boolean) ?? '';
    await completePasswordReset(deps, token, 'the brand new passphrase');
    await expect(completePasswordReset(deps, token, 'another new passphrase')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const { token: session } = await logIn(deps, { email: 'jens@example.com', password: 'the brand new passphrase' });
    expect(session.length).toBeGreaterThan(40);
  });
});
