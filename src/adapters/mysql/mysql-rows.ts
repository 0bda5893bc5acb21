import { HexstreamError } from '../../domain/hexstream-error';
import type { ResultRow } from '../../domain/records';
import type { TableSchema } from '../../domain/table-schema';
import { mapColumnType, type ColumnTypeMap } from '../sql/column-type-map';
import { MYSQL_IDENTIFIERS, quoteIdentifier } from '../sql/sql-identifiers';
import type { SqlValue, SqlValueDialect } from '../sql/sql-values';
import { upsertStatements, type EncodedRows, type SqlStatement, type UpsertDialect } from '../sql/upsert-statements';

export type { SqlStatement } from '../sql/upsert-statements';

/**
 * Room left in a packet for its 4-byte header, the command byte and rounding. Everything else is
 * counted per value, at its worst case once escaped (see {@link escapedBytes}).
 */
const PACKET_SLACK_BYTES = 64;

const MYSQL_VALUES: SqlValueDialect = { database: 'MySQL', instantZone: '', textHoldsNul: true };

/**
 * Multi-row `REPLACE INTO` statements for `rows`, sorted by primary key and cut so that each
 * statement, once the driver has inlined its escaped parameters, fits in `targetBytes` — or, for a
 * row larger than that alone, in `maxPacketBytes`:
 *
 *   REPLACE INTO `t` (`a`,`b`) VALUES (?,?),(?,?),…   ◀─ ≤ targetBytes − slack, counted as sent
 *
 * Columns the server stamps (`updated_at`) are left out, so their default fills them. Rows are
 * converted and checked before anything is sent: a bad value fails the commit with no retry.
 */
export function replaceStatements(
  table: TableSchema,
  rows: readonly ResultRow[],
  maxPacketBytes: number,
  targetBytes = maxPacketBytes,
): SqlStatement[] {
  return upsertStatements(table, rows, mysqlReplace(maxPacketBytes, targetBytes));
}

function mysqlReplace(maxPacketBytes: number, targetBytes: number): UpsertDialect {
  const quote = (name: string, what: string): string => quoteIdentifier(MYSQL_IDENTIFIERS, name, what);
  return {
    values: MYSQL_VALUES,
    head: (table, columns) =>
      `REPLACE INTO ${quote(table, 'table')} (${columns.map((c) => quote(c, 'column')).join(',')}) VALUES `,
    valuesList: (rows, width) =>
      new Array<string>(rows).fill(`(${new Array<string>(width).fill('?').join(',')})`).join(','),
    // REPLACE deletes the old row and inserts the new one: the stamp's default applies again.
    tail: () => '',
    cut: (encoded, frameBytes) => {
      const budget = maxPacketBytes - PACKET_SLACK_BYTES - frameBytes;
      const target = Math.min(budget, targetBytes - PACKET_SLACK_BYTES - frameBytes);
      return cutByPacket(encoded, budget, target, maxPacketBytes);
    },
  };
}

/**
 * Statement ends such that each statement's rows fit `target` bytes as sent, or, for a row larger
 * than that, alone in `budget`; a row larger than `budget` fails the commit.
 */
function cutByPacket(encoded: EncodedRows, budget: number, target: number, maxPacketBytes: number): number[] {
  const { table, rows, columns, values } = encoded;
  const sizes = columns.map((c) => mapColumnType(VALUE_BYTES, c));
  const width = sizes.length;
  const ends: number[] = [];
  let bytes = 0;
  for (let r = 0; r < rows.length; r++) {
    // Per value one separator; per row two parentheses and one comma.
    let size = 3;
    for (let i = 0; i < width; i++) size += (sizes[i] as ValueBytes)(values[r * width + i] as SqlValue) + 1;
    if (size > budget) {
      throw new HexstreamError(
        'SINK_WRITE_FAILED',
        `row ${(rows[r] as ResultRow).key} of ${table.name} needs up to ${size} bytes, more than a statement may hold (max_allowed_packet ${maxPacketBytes})`,
      );
    }
    if (bytes > 0 && bytes + size > target) {
      ends.push(r);
      bytes = 0;
    }
    bytes += size;
  }
  ends.push(rows.length);
  return ends;
}

type ValueBytes = (v: SqlValue) => number;

/** Worst case once escaped and quoted by the driver: every byte of a string may gain a backslash. */
function escapedBytes(v: SqlValue): number {
  return typeof v === 'string' ? 2 + 2 * Buffer.byteLength(v, 'utf8') : String(v).length;
}

/** {@link escapedBytes} of a string known to be ASCII (instants, decimals). */
function asciiEscapedBytes(v: SqlValue): number {
  return typeof v === 'string' ? 2 + 2 * v.length : String(v).length;
}

/** What a value of each column type adds to a statement as sent. */
const VALUE_BYTES: ColumnTypeMap<ValueBytes> = {
  text: () => escapedBytes,
  longText: () => escapedBytes,
  integer: () => escapedBytes,
  decimal: () => asciiEscapedBytes,
  double: () => escapedBytes,
  instant: () => asciiEscapedBytes,
  writtenAt: () => asciiEscapedBytes,
};
