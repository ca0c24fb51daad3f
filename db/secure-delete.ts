import type { Client, InArgs, InStatement, ResultSet, TransactionMode } from '@libsql/client';

/**
 * SQLite leaves deleted rows readable in freed pages and in the write-ahead log until they happen to be reused;
 * `secure_delete` makes it overwrite them with zeros at once (Art. 17 GDPR: an erased name must not stay in the file).
 * The setting belongs to one connection and is not stored in the file. A libSQL client may serve each request on
 * another connection (a new stream per HTTP request to sqld or Turso, a fresh connection after a transaction), so the
 * pragma travels in the same batch as every statement, which runs on one connection, rather than once at start.
 */
export const SECURE_DELETE: InStatement = 'PRAGMA secure_delete = ON';

type Statement = InStatement | [string, InArgs?];

function withPragma(client: Client) {
  return {
    async batch(statements: Statement[], mode?: TransactionMode): Promise<ResultSet[]> {
      const [, ...results] = await client.batch([SECURE_DELETE, ...statements], mode);
      return results;
    },
    async execute(statement: InStatement | string, args?: InArgs): Promise<ResultSet> {
      const stmt: InStatement = typeof statement === 'string' ? (args === undefined ? statement : { sql: statement, args }) : statement;
      const [, result] = await client.batch([SECURE_DELETE, stmt], 'deferred');
      if (!result) throw new Error('libSQL returned no result for the statement');
      return result;
    },
  };
}

/** The client with `secure_delete` on for every statement that `execute` and `batch` run (all drizzle sends). */
export function withSecureDelete(client: Client): Client {
  const wrapped = withPragma(client);
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'batch') return wrapped.batch;
      if (property === 'execute') return wrapped.execute;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
