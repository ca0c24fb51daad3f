import { getTableColumns } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';

/** D1 refuses a statement with more than 100 bound parameters (SQLITE_MAX_VARIABLE_NUMBER there). */
export const MAX_BOUND_PARAMETERS = 100;

/** Splits `items` into runs of at most `size`. */
export function chunksOf<T>(items: readonly T[], size: number): T[][] {
  if (size < 1) throw new Error('A chunk holds at least one item');
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/**
 * Rows for a multi-row INSERT into `table`, in runs that stay under D1's limit whatever the number of rows: a row
 * binds at most one parameter per column, and `reserved` keeps room for parameters of the rest of the statement.
 */
export function rowChunks<T>(table: SQLiteTable, rows: readonly T[], reserved = 0): T[][] {
  const perRow = Object.keys(getTableColumns(table)).length;
  return chunksOf(rows, Math.floor((MAX_BOUND_PARAMETERS - reserved) / perRow));
}
