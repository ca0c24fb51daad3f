import { getTableColumns, getTableName, is } from 'drizzle-orm';
import { getTableConfig, SQLiteTable, type SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { type ColumnPrivacy, privacyOf } from './privacy';
import * as schema from './schema';

/**
 * The one catalog of tables: every table of the schema with its columns, their privacy annotations, its keys and
 * its foreign keys, in one children-first order. Export (Art. 15, 20), erasure (Art. 17), account deletion and the
 * record of processing (Art. 30) all read it, so none of them keeps its own table list or ordering.
 */

/** A single-column foreign key: `column` of this table points at `parentColumn` of `parent`. */
export type ForeignKey = { column: SQLiteColumn; columnKey: string; parent: SQLiteTable; parentColumn: SQLiteColumn };

export type CatalogTable = {
  /** The SQL name (snake_case), as annotations and reports name tables. */
  name: string;
  table: SQLiteTable;
  /** Columns by their TypeScript key. */
  columns: Record<string, SQLiteColumn>;
  /** Privacy annotations by column key. */
  meanings: Record<string, ColumnPrivacy>;
  /** Column keys of the primary key: the single `id`, or the columns of a composite key. */
  primaryKey: string[];
  foreignKeys: ForeignKey[];
};

/** The key under which a table declares a column. */
export function columnKey(columns: Record<string, SQLiteColumn>, column: SQLiteColumn): string {
  const entry = Object.entries(columns).find(([, candidate]) => candidate === column);
  if (!entry) throw new Error(`Column ${column.name} is not part of its table`);
  return entry[0];
}

function primaryKeyOf(table: SQLiteTable, columns: Record<string, SQLiteColumn>): string[] {
  const single = Object.values(columns).filter((column) => column.primary);
  const composite = getTableConfig(table).primaryKeys[0]?.columns ?? [];
  return (single.length > 0 ? single : composite).map((column) => columnKey(columns, column));
}

/** Single-column foreign keys to other tables; composite keys and self-references say nothing about order. */
function foreignKeysOf(table: SQLiteTable, columns: Record<string, SQLiteColumn>): ForeignKey[] {
  return getTableConfig(table).foreignKeys.flatMap((fk) => {
    const { columns: local, foreignColumns, foreignTable } = fk.reference();
    const [column] = local;
    const [parentColumn] = foreignColumns;
    if (!column || !parentColumn || local.length !== 1 || foreignTable === table) return [];
    return [{ column, columnKey: columnKey(columns, column), parent: foreignTable, parentColumn }];
  });
}

function describe(table: SQLiteTable): CatalogTable {
  const name = getTableName(table);
  const meanings = privacyOf(name);
  // privateTable() refuses a column without annotation, so a table without any was not defined through it.
  if (!meanings) throw new Error(`Table ${name} has no privacy annotations`);
  const columns: Record<string, SQLiteColumn> = getTableColumns(table);
  return { name, table, columns, meanings, primaryKey: primaryKeyOf(table, columns), foreignKeys: foreignKeysOf(table, columns) };
}

/**
 * Every table before the tables it references, so that deleting in this order never leaves a row pointing at a
 * deleted one, whatever the database does about cascades. Ties keep the name order, so the order is stable.
 */
function childrenFirst(tables: CatalogTable[]): CatalogTable[] {
  const ordered: CatalogTable[] = [];
  const remaining = new Set(tables);
  while (remaining.size > 0) {
    const next = [...remaining].find((table) => ![...remaining].some((other) => other !== table && other.foreignKeys.some((fk) => fk.parent === table.table)));
    if (!next) throw new Error('Foreign keys form a cycle; no children-first order exists');
    ordered.push(next);
    remaining.delete(next);
  }
  return ordered;
}

const described = Object.values(schema)
  .flatMap((value) => (is(value, SQLiteTable) ? [describe(value)] : []))
  .sort((a, b) => a.name.localeCompare(b.name));

/** Every table of the schema, children first. */
export const CATALOG: readonly CatalogTable[] = childrenFirst(described);

/** The catalog entry of a schema table. */
export function catalogEntry(table: SQLiteTable): CatalogTable {
  const entry = CATALOG.find((candidate) => candidate.table === table);
  if (!entry) throw new Error(`Table ${getTableName(table)} is not in the catalog`);
  return entry;
}
