import type { Client } from '@libsql/client';
import type { BatchItem, BatchResponse } from 'drizzle-orm/batch';
import { drizzle as drizzleD1 } from 'drizzle-orm/d1';
import { drizzle as drizzleLibsql } from 'drizzle-orm/libsql';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import * as schema from './schema';

export type Schema = typeof schema;

/** What services see of the database: drizzle's query builder plus atomic batches (D1 has no interactive transactions). */
export type Database = BaseSQLiteDatabase<'async', unknown, Schema> & {
  batch<U extends BatchItem<'sqlite'>, T extends Readonly<[U, ...U[]]>>(batch: T): Promise<BatchResponse<T>>;
};

export function databaseFromD1(binding: D1Database): Database {
  return drizzleD1(binding, { schema });
}

export function databaseFromLibsql(client: Client): Database {
  return drizzleLibsql(client, { schema });
}

export { schema };
