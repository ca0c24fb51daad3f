import initializeArgon2 from '@phi-ag/argon2/node';
import { type Client, createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseFromLibsql } from '../../db/client';
import { withSecureDelete } from '../../db/secure-delete';
import { DPA_VERSION } from '../../workers/domain/dpa';
import { recordingCallRooms } from '../../workers/lib/rooms';
import { signUpConfirmed } from '../../workers/services/accounts';
import { createClient as createPracticeClient } from '../../workers/services/clients';
import type { Deps } from '../../workers/services/deps';
import { deleteClient } from '../../workers/services/erasure';
import { outboxMailer } from '../../workers/services/mailer';
import { argon2Hasher } from '../../workers/services/passwords';
import { NODE_TEST_CONFIG } from './node-config';

// Issue 11, item 18: after an erasure, no erased value may stay readable in the database file or its journal.
// Through libSQL (the LIBSQL_URL path) the client factory turns `secure_delete` on; here on a file database in Node.

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A practice and one client with a rights request, deleted completely; then the connection is closed. */
async function eraseOnFile(wrap: (client: Client) => Client) {
  const dir = mkdtempSync(join(tmpdir(), 'praxisraum-secure-delete-'));
  dirs.push(dir);
  const raw = createClient({ url: `file:${join(dir, 'app.sqlite')}` });
  await migrate(drizzle(raw), { migrationsFolder: 'db/migrations' });
  const db = databaseFromLibsql(wrap(raw));
  const deps: Deps = { db, mailer: outboxMailer(db, () => Date.now()), passwords: argon2Hasher(await initializeArgon2()), callRooms: recordingCallRooms(), config: NODE_TEST_CONFIG, now: () => Date.now() };
  const suffix = Math.random().toString(36).slice(2, 10);
  const secrets = { name: `Zerlinde Ausradiert ${suffix}`, email: `zerlinde.${suffix}@example.com`, text: `Bitte vollständig löschen ${suffix}` };
  const { practiceId, userId } = await signUpConfirmed(deps, {
    practiceName: 'Praxis Löschtest',
    slug: `loeschtest-${suffix}`,
    timeZone: 'Europe/Berlin',
    displayName: 'Therapeutin',
    email: `therapeutin.${suffix}@example.com`,
    password: 'a long libsql passphrase',
    acceptDpa: true,
    dpaVersion: DPA_VERSION,
    locale: 'de',
  });
  const client = await createPracticeClient(deps, { kind: 'therapist', userId, practiceId }, { displayName: secrets.name, email: secrets.email });
  const now = Date.now();
  await raw.execute({
    sql: "INSERT INTO rights_requests (id, practice_id, client_id, types, email, details, locale, status, received_at, due_at, created_at) VALUES (?, ?, ?, '[\"erasure\"]', ?, ?, 'de', 'verified', ?, ?, ?)",
    args: [`req-${suffix}`, practiceId, client.id, secrets.email, secrets.text, now, now + 86_400_000, now],
  });
  await deleteClient(deps, { kind: 'therapist', userId: 'therapist-of-test', practiceId }, client.id);
  raw.close();
  const files = readdirSync(dir).map((name) => ({ name, bytes: readFileSync(join(dir, name)) }));
  const found = files.flatMap(({ name, bytes }) => Object.values(secrets).filter((value) => bytes.includes(Buffer.from(value, 'utf8'))).map((value) => `${name}: ${value}`));
  return { files: files.map((f) => f.name), found };
}

describe('secure_delete on the libSQL path', () => {
  it('leaves no erased name, address or request text in the database file or its journal', async () => {
    const { files, found } = await eraseOnFile(withSecureDelete);
    expect(files).toContain('app.sqlite');
    expect(found).toEqual([]);
  });

  it('would find them without it (the scan can fail)', async () => {
    const { found } = await eraseOnFile((client) => client);
    expect(found.length).toBeGreaterThan(0);
  });
});
