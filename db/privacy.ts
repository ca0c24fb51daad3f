import { getTableColumns } from 'drizzle-orm';
import type { BuildColumns } from 'drizzle-orm';
import { sqliteTable, type SQLiteColumnBuilderBase, type SQLiteTableExtraConfigValue } from 'drizzle-orm/sqlite-core';
import { z } from 'zod';

/**
 * The privacy meaning of one column. Export (Art. 15/20), erasure (Art. 17) and the record of processing (Art. 30)
 * are derived from these annotations, so a column that lacks one cannot be defined at all.
 */
export const columnPrivacySchema = z.object({
  category: z.enum([
    'identifier', // keys and references; personal only through what they point to
    'name', // a person's name, pseudonym or initials
    'contact', // email addresses and other ways to reach a person
    'health', // Art. 9 special category: anything revealing treatment
    'consent', // evidence of consent or agreement (Art. 7(1))
    'credential', // secrets that authenticate; never exported
    'technical', // timestamps, counters, flags needed to run the service
    'organisational', // data about a practice as a business
    'audit', // accountability records (Art. 5(2))
  ]),
  purpose: z.string().min(3),
  retention: z.string().min(3),
  /** What erasure of the data subject does to this column. */
  erasure: z.enum(['delete', 'anonymise', 'keep-legal-duty', 'not-personal']),
  /** Credentials and derived secrets are never part of an export. */
  exported: z.boolean().default(true),
});
export type ColumnPrivacy = z.input<typeof columnPrivacySchema>;

const annotations = new WeakMap<object, ColumnPrivacy>();
const registry = new Map<string, Record<string, ColumnPrivacy>>();

/** Attaches the privacy meaning to a column definition; use it on every column. */
export function privacy<T extends SQLiteColumnBuilderBase>(column: T, meaning: ColumnPrivacy): T {
  annotations.set(column, meaning);
  return column;
}

/** `sqliteTable` that refuses a column without a privacy annotation. */
export function privateTable<TName extends string, TColumns extends Record<string, SQLiteColumnBuilderBase>>(
  name: TName,
  columns: TColumns,
  extraConfig?: (self: BuildColumns<TName, TColumns, 'sqlite'>) => SQLiteTableExtraConfigValue[],
) {
  const meanings: Record<string, ColumnPrivacy> = {};
  for (const [key, builder] of Object.entries(columns)) {
    const meaning = annotations.get(builder);
    if (!meaning) throw new Error(`Column ${name}.${key} has no privacy annotation`);
    meanings[key] = meaning;
  }
  registry.set(name, meanings);
  return sqliteTable(name, columns, extraConfig);
}

/** Privacy annotations by table name and column key; db/catalog.ts joins them to the tables for every consumer. */
export function privacyOf(tableName: string): Record<string, ColumnPrivacy> | undefined {
  return registry.get(tableName);
}

export { getTableColumns };

/** Shared meanings that recur in many tables. */
export const ROW_ID: ColumnPrivacy = {
  category: 'identifier',
  purpose: 'Identifies the row; random, carries no personal content',
  retention: 'As long as the row',
  erasure: 'delete',
};
export const CREATED_AT: ColumnPrivacy = {
  category: 'technical',
  purpose: 'When the row was created, for accountability and ordering',
  retention: 'As long as the row',
  erasure: 'delete',
};
