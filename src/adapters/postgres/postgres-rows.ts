import type { ResultRow } from '../../domain/records';
import type { TableSchema } from '../../domain/table-schema';
import { POSTGRES_IDENTIFIERS, quoteIdentifier } from '../sql/sql-identifiers';
import type { SqlValueDialect } from '../sql/sql-values';
import { upsertStatements as sqlUpserts, type SqlStatement, type UpsertDialect } from '../sql/upsert-statements';

/** PostgreSQL allows 65,535 parameters per statement. */
const MAX_PARAMETERS = 65_535;

/**
 * Values travel as bound parameters, so nothing in a string needs care but NUL, which PostgreSQL
 * text cannot hold. Instants (UTC text) get their zone spelled out: a timestamptz parameter
 * without one would be read in the session's time zone.
 */
const POSTGRES_VALUES: SqlValueDialect = { database: 'PostgreSQL', instantZone: '+00:00', textHoldsNul: false };

const quote = (name: string, what: string): string => quoteIdentifier(POSTGRES_IDENTIFIERS, name, what);

/**
 * `INSERT … ON CONFLICT (key) DO UPDATE`: a row whose key exists takes the new values, and the
 * columns the database stamps take now().
 */
const POSTGRES_UPSERT: UpsertDialect = {
  values: POSTGRES_VALUES,
  head: (table, columns) =>
    `INSERT INTO ${quote(table, 'table')} (${columns.map((c) => quote(c, 'column')).join(', ')}) VALUES `,
  valuesList: (rows, width) => {
    const tuples: string[] = [];
    for (let r = 0; r < rows; r++) {
      const placeholders: string[] = [];
      for (let i = 1; i <= width; i++) placeholders.push(`$${r * width + i}`);
      tuples.push(`(${placeholders.join(', ')})`);
    }
    return tuples.join(', ');
  },
  tail: (primaryKey, updated, stamped) => {
    const sets = [
      ...updated.map((c) => `${quote(c, 'column')} = EXCLUDED.${quote(c, 'column')}`),
      ...stamped.map((c) => `${quote(c, 'column')} = now()`),
    ];
    const keys = primaryKey.map((k) => quote(k, 'primary key column')).join(', ');
    return ` ON CONFLICT (${keys}) DO ${sets.length > 0 ? `UPDATE SET ${sets.join(', ')}` : 'NOTHING'}`;
  },
  cut: ({ rows, columns }) => {
    const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
    const ends: number[] = [];
    for (let end = perStatement; end < rows.length; end += perStatement) ends.push(end);
    ends.push(rows.length);
    return ends;
  },
};

/** Multi-row upserts sorted by primary key, cut under PostgreSQL's parameter limit. */
export function upsertStatements(table: TableSchema, rows: readonly ResultRow[]): SqlStatement[] {
  return sqlUpserts(table, rows, POSTGRES_UPSERT);
}
