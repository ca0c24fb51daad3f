import { getTableColumns, is, SQL, sql } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Database } from '../../db/client';

/**
 * INSERT … SELECT … WHERE: a row written only if `condition` holds when the batch reaches it. A D1 batch is one
 * transaction, so a trail entry, an audit entry, a consent record or a duplicate check joins the state change it
 * belongs to instead of trusting an earlier read. A value may itself be SQL (a position computed in the batch).
 */
export function insertWhere(db: Database, table: SQLiteTable, row: Record<string, unknown>, condition: SQL | undefined) {
  const values = Object.entries(getTableColumns(table)).map(([key, column]) => {
    const value = row[key];
    if (is(value, SQL)) return value;
    return value === undefined || value === null ? sql`NULL` : sql`${sql.param(value, column)}`;
  });
  return db.insert(table).select(sql`SELECT ${sql.join(values, sql`, `)} WHERE ${condition ?? sql`1`}`);
}
