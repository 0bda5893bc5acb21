import type { SqlValueDialect } from '../../../src/adapters/sql/sql-values';
import { upsertStatements, type UpsertDialect } from '../../../src/adapters/sql/upsert-statements';
import type { ResultRow } from '../../../src/domain/records';
import type { TableSchema } from '../../../src/domain/table-schema';
import { errorWith, stringContaining } from '../../support/matchers';

const VALUES: SqlValueDialect = { database: 'MySQL', instantZone: '', textHoldsNul: true };

const TABLE: TableSchema = {
  name: 'bars',
  primaryKey: ['symbol', 'start'],
  columns: [
    { name: 'symbol', type: { kind: 'text', maxLength: 8 } },
    { name: 'start', type: { kind: 'instant' } },
    { name: 'volume', type: { kind: 'integer', bits: 64 } },
    { name: 'updated_at', type: { kind: 'writtenAt' } },
  ],
};

const bar = (symbol: string, start: number, volume: number | bigint): ResultRow => ({
  key: `${symbol}@${start}`,
  finalAtMs: 0,
  values: { symbol, start, volume },
});

/** A dialect that spells out what it was given, and cuts after every `perStatement` rows. */
function spelledOut(perStatement: number, cuts: number[] = []): UpsertDialect {
  return {
    values: VALUES,
    head: (table, columns) => `PUT ${table} (${columns.join(' ')}) `,
    valuesList: (rows, width) => `${rows}×${width}`,
    tail: (key, updated, stamped) => ` KEY ${key.join(' ')} SET ${updated.join(' ')} STAMP ${stamped.join(' ')}`,
    cut: ({ rows }, frameBytes) => {
      cuts.push(frameBytes);
      const ends: number[] = [];
      for (let end = perStatement; end < rows.length; end += perStatement) ends.push(end);
      return [...ends, rows.length];
    },
  };
}

describe('upsertStatements', () => {
  it('writes sorted rows through the dialect, leaving out the stamped column, one statement per cut', () => {
    const cuts: number[] = [];
    const rows = [bar('b', 0, 1), bar('a', 60_000, 2), bar('a', 0, 3n), bar('c', 0, 4), bar('b', -60_000, 5)];
    const statements = upsertStatements(TABLE, rows, spelledOut(2, cuts));
    const frame = 'PUT bars (symbol start volume) ' + ' KEY symbol start SET volume STAMP updated_at';
    expect(cuts).toEqual([Buffer.byteLength(frame)]);
    expect(statements).toEqual([
      {
        sql: 'PUT bars (symbol start volume) 2×3 KEY symbol start SET volume STAMP updated_at',
        params: ['a', '1970-01-01 00:00:00.000', 3n, 'a', '1970-01-01 00:01:00.000', 2],
      },
      {
        sql: 'PUT bars (symbol start volume) 2×3 KEY symbol start SET volume STAMP updated_at',
        params: ['b', '1969-12-31 23:59:00.000', 5, 'b', '1970-01-01 00:00:00.000', 1],
      },
      {
        sql: 'PUT bars (symbol start volume) 1×3 KEY symbol start SET volume STAMP updated_at',
        params: ['c', '1970-01-01 00:00:00.000', 4],
      },
    ]);
  });

  it('checks every value before the dialect cuts anything', () => {
    const cuts: number[] = [];
    const rows = [bar('a', 0, 1), bar('b', 0, 2), bar('toolongname', 0, 3)];
    expect(() => upsertStatements(TABLE, rows, spelledOut(1, cuts))).toThrow(
      errorWith({ code: 'SINK_WRITE_FAILED', message: stringContaining('column symbol has 11') }),
    );
    expect(cuts).toEqual([]);
  });

  it('returns no statement for a trigger without rows', () => {
    expect(upsertStatements(TABLE, [], spelledOut(1))).toEqual([]);
  });
});
