import type { TableSchema } from '../../domain/table-schema';
import { tableDifferences, type DriftDialect, type ExistingTable } from './table-drift';

/** A table to re-key: its key now and the job's. */
export interface KeyMigration {
  readonly from: readonly string[];
  readonly to: readonly string[];
}

/**
 * Whether the existing table differs from the job's only by its primary key, and that key's columns
 * are all in the job's (as when `(rowkey)` became `(window_start, rowkey)`, or a key's columns were
 * put in another order): the job's key is then unique on the rows already there, so the table can be
 * re-keyed in place without losing or merging a row. Any other difference is left to the drift check,
 * which refuses the table.
 */
export function keyMigration(want: TableSchema, have: ExistingTable, dialect: DriftDialect): KeyMigration | undefined {
  const from = have.primaryKey;
  const to = want.primaryKey;
  if (from.length === 0 || from.join(',') === to.join(',')) return undefined;
  if (!from.every((c) => to.includes(c))) return undefined;
  // The key's difference is the one expected; every other one refuses the table as before.
  if (tableDifferences(want, have, dialect).length !== 1) return undefined;
  return { from, to };
}

/** The line logged when a table is re-keyed. */
export function keyMigrationMessage(table: string, m: KeyMigration): string {
  return `migrating table ${table}: primary key (${m.from.join(', ')}) becomes (${m.to.join(', ')}), which rebuilds the table; writes wait until it is done`;
}
