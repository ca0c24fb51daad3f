// Local runs only. workerd, which runs the local D1 and the call rooms' Durable Objects under `wrangler dev`, refuses
// `PRAGMA secure_delete` from the Worker and from migrations (its SQLite authorizer answers SQLITE_AUTH), and its
// SQLite is not built with SQLITE_SECURE_DELETE. So rows deleted during a local run stay readable in freed pages and
// in the write-ahead log, which workerd leaves behind when it stops. Once wrangler dev has exited, this rebuilds every
// SQLite file of the local state with secure_delete on (VACUUM writes a fresh copy without freed pages) and folds
// the write-ahead log into it, so an erased name or address is not left in the files (Art. 17 GDPR).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

/** Every SQLite database file under `dir` (not its -wal and -shm companions). */
function databasesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.sqlite'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Scrubs the local state under `dir`; call only when no workerd has it open. Returns the files scrubbed. */
export function scrubLocalState(dir: string): string[] {
  const files = databasesUnder(dir);
  for (const file of files) {
    const db = new DatabaseSync(file);
    try {
      db.exec('PRAGMA secure_delete = ON');
      db.exec('VACUUM');
      // Copies the log into the file and truncates it to zero bytes; closing the last connection then removes it.
      db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    } finally {
      db.close();
    }
  }
  return files;
}
