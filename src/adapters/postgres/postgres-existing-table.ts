import type { PoolClient } from 'pg';
import type { ExistingColumn, ExistingTable, TextStorage } from '../sql/table-drift';

interface ColumnRow {
  readonly name: string;
  readonly data_type: string;
  readonly udt_name: string;
  readonly chars: number | null;
  readonly numeric_precision: number | null;
  readonly numeric_scale: number | null;
  readonly datetime_precision: number | null;
  readonly is_nullable: string;
  readonly column_default: string | null;
  readonly is_identity: string;
  readonly is_generated: string;
}

const COLUMNS = `SELECT column_name AS name, data_type, udt_name, character_maximum_length AS chars, numeric_precision,
    numeric_scale, datetime_precision, is_nullable, column_default, is_identity, is_generated
  FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`;

const PRIMARY_KEY = `SELECT k.column_name AS name FROM information_schema.table_constraints c
  JOIN information_schema.key_column_usage k
    ON k.constraint_schema = c.constraint_schema AND k.constraint_name = c.constraint_name AND k.table_name = c.table_name
  WHERE c.table_schema = current_schema() AND c.table_name = $1 AND c.constraint_type = 'PRIMARY KEY'
  ORDER BY k.ordinal_position`;

/** `now()` and CURRENT_TIMESTAMP: the current time, as a written-at column's default. */
const CURRENT_TIME = /^(now\(\)|current_timestamp)$/i;

/** The table's columns and primary key, from information_schema; `undefined` when there is no such table. */
export async function describePgTable(client: PoolClient, table: string): Promise<ExistingTable | undefined> {
  const { rows } = await client.query<ColumnRow>(COLUMNS, [table]);
  if (rows.length === 0) return undefined;
  const key = await client.query<{ name: string }>(PRIMARY_KEY, [table]);
  return { columns: rows.map(existingColumn), primaryKey: key.rows.map((r) => r.name) };
}

function existingColumn(r: ColumnRow): ExistingColumn {
  const def = r.column_default ?? undefined;
  return {
    name: r.name,
    type: spelled(r),
    nullable: r.is_nullable === 'YES',
    filled: def !== undefined || r.is_identity === 'YES' || r.is_generated === 'ALWAYS',
    ...(def !== undefined && CURRENT_TIME.test(def) ? { stamp: 'now()' } : {}),
    ...textStorage(r),
  };
}

/** The type in the spelling of POSTGRES_COLUMN_TYPES. */
function spelled(r: ColumnRow): string {
  const n = (v: number | null): string => (v === null ? '' : String(v));
  switch (r.data_type) {
    case 'character varying':
      return r.chars === null ? 'VARCHAR' : `VARCHAR(${r.chars})`;
    case 'character':
      return `CHAR(${n(r.chars)})`;
    case 'numeric':
      return r.numeric_precision === null ? 'NUMERIC' : `NUMERIC(${r.numeric_precision},${n(r.numeric_scale)})`;
    case 'timestamp with time zone':
      return `TIMESTAMPTZ(${n(r.datetime_precision)})`;
    case 'timestamp without time zone':
      return `TIMESTAMP(${n(r.datetime_precision)})`;
    case 'USER-DEFINED':
    case 'ARRAY':
      return r.udt_name.toUpperCase();
    default:
      return r.data_type.toUpperCase();
  }
}

function textStorage(r: ColumnRow): { text?: TextStorage } {
  switch (r.data_type) {
    case 'character varying':
      return { text: { capacity: r.chars ?? Infinity, padded: false } };
    case 'character':
      return { text: { capacity: r.chars ?? 1, padded: true } };
    case 'text':
      return { text: { capacity: Infinity, padded: false } };
    default:
      return {};
  }
}
