import { HexstreamError } from '../../domain/hexstream-error';
import type { ColumnSpec, TableSchema } from '../../domain/table-schema';

/** What can hold a text column's values: a character type in the encoding and collation the job's table has. */
export interface TextStorage {
  /** How many characters it holds (at worst, 4 bytes each); Infinity when unbounded. */
  readonly capacity: number;
  /** CHAR: pads (or trims) values to its length. */
  readonly padded: boolean;
}

/** A column of an existing table, as the database describes it. */
export interface ExistingColumn {
  readonly name: string;
  /** Its type as the database spells it (in the spelling of the job's types: `BIGINT`, `DECIMAL(20,2)`). */
  readonly type: string;
  readonly nullable: boolean;
  /** A row inserted without it gets a value: a default, an auto-increment or identity, or a generated column. */
  readonly filled: boolean;
  /** Its default, when that is the current time (what a written-at column needs); spelled as in `type`. */
  readonly stamp?: string;
  /** Present when it is a character type that stores text byte for byte (MySQL: utf8mb4, binary collation). */
  readonly text?: TextStorage;
}

export interface ExistingTable {
  /** In the table's order. */
  readonly columns: readonly ExistingColumn[];
  /** Its primary key's columns in key order; empty when it has none. */
  readonly primaryKey: readonly string[];
}

/** What differs between the databases when a table is compared with a job's. */
export interface DriftDialect {
  /** The type the job's column gets when hexstream creates the table, with its default for a written-at column. */
  expectedType(column: ColumnSpec): string;
  /** How many characters the type of a `longText` column holds (MySQL MEDIUMTEXT; PostgreSQL TEXT: Infinity). */
  readonly longTextCapacity: number;
}

/**
 * Whether an existing column takes every value the job writes, as the column hexstream would create
 * does: the same type, NOT NULL — except that text may be wider (a longer VARCHAR, or an unbounded
 * text type) and a fixed-length text may be a VARCHAR. A CHAR of another length pads or trims the values.
 */
function fits(want: ColumnSpec, have: ExistingColumn, expected: string, dialect: DriftDialect): boolean {
  if (have.nullable) return false;
  const text = have.text;
  switch (want.type.kind) {
    case 'text':
      if (text === undefined) return false;
      return text.padded
        ? want.type.fixedLength === true && text.capacity === want.type.maxLength
        : text.capacity >= want.type.maxLength;
    case 'longText':
      return text !== undefined && !text.padded && text.capacity >= dialect.longTextCapacity;
    case 'writtenAt':
      return have.stamp !== undefined && `${have.type} DEFAULT ${have.stamp}` === expected;
    default:
      return have.type === expected;
  }
}

function shown(have: ExistingColumn, want: ColumnSpec): string {
  return want.type.kind === 'writtenAt' && have.stamp !== undefined ? `${have.type} DEFAULT ${have.stamp}` : have.type;
}

/**
 * Every way the existing table differs from the job's, in the job's column order, then the table's
 * extra columns, then the primary key: a column of another type, a missing column, an extra column a
 * row cannot be inserted without (NOT NULL without a default), another primary key.
 */
export function tableDifferences(want: TableSchema, have: ExistingTable, dialect: DriftDialect): string[] {
  const existing = new Map(have.columns.map((c) => [c.name, c]));
  const out: string[] = [];
  for (const column of want.columns) {
    const found = existing.get(column.name);
    if (found === undefined) {
      out.push(`column ${column.name} missing`);
      continue;
    }
    const expected = dialect.expectedType(column);
    if (fits(column, found, expected, dialect)) continue;
    const nulls = found.nullable ? [' NULL', ' NOT NULL'] : ['', ''];
    out.push(`column ${column.name} is ${shown(found, column)}${nulls[0]}, the job writes ${expected}${nulls[1]}`);
  }
  const jobColumns = new Set(want.columns.map((c) => c.name));
  for (const c of have.columns) {
    if (!jobColumns.has(c.name) && !c.nullable && !c.filled)
      out.push(`extra column ${c.name} (NOT NULL without default)`);
  }
  if (want.primaryKey.join(',') !== have.primaryKey.join(',')) {
    const key = have.primaryKey.length === 0 ? 'none' : `(${have.primaryKey.join(', ')})`;
    out.push(`primary key is ${key}, the job's is (${want.primaryKey.join(', ')})`);
  }
  return out;
}

/**
 * Refuses a result table the job cannot write as it would write its own: TABLE_SCHEMA_MISMATCH,
 * naming the table, the job and every difference, rather than writing into a table that changed
 * since the last run (or failing on the first row, or storing values the table alters).
 */
export function refuseDriftedTable(job: string, want: TableSchema, have: ExistingTable, dialect: DriftDialect): void {
  const differences = tableDifferences(want, have, dialect);
  if (differences.length === 0) return;
  throw new HexstreamError(
    'TABLE_SCHEMA_MISMATCH',
    `table ${want.name} does not match job ${job}: ${differences.join('; ')}`,
  );
}
