import { upsertStatements } from '../../../src/adapters/postgres/postgres-rows';
import type { ResultRow } from '../../../src/domain/records';
import type { TableSchema } from '../../../src/domain/table-schema';

const TICKS: TableSchema = {
  name: 'ticks',
  primaryKey: ['id'],
  columns: [
    { name: 'id', type: { kind: 'integer', bits: 64 } },
    { name: 'at', type: { kind: 'instant' } },
    { name: 'note', type: { kind: 'longText' } },
    { name: 'updated_at', type: { kind: 'writtenAt' } },
  ],
};

const tick = (id: number, note = 'n'): ResultRow => ({
  key: String(id),
  finalAtMs: 0,
  values: { id, at: Date.UTC(2026, 0, 2, 3, 4, 5, id % 1000), note },
});

describe('PostgreSQL upsertStatements', () => {
  it('inserts sorted rows with numbered parameters and updates every other column on conflict, stamping now()', () => {
    expect(upsertStatements(TICKS, [tick(2, 'b'), tick(1, 'a')])).toEqual([
      {
        sql: 'INSERT INTO "ticks" ("id", "at", "note") VALUES ($1, $2, $3), ($4, $5, $6) ON CONFLICT ("id") DO UPDATE SET "at" = EXCLUDED."at", "note" = EXCLUDED."note", "updated_at" = now()',
        params: [1, '2026-01-02 03:04:05.001+00:00', 'a', 2, '2026-01-02 03:04:05.002+00:00', 'b'],
      },
    ]);
  });

  it('does nothing on conflict when every column is in the key', () => {
    const keys: TableSchema = {
      name: 'k',
      primaryKey: ['id'],
      columns: [{ name: 'id', type: { kind: 'integer', bits: 32 } }],
    };
    expect(upsertStatements(keys, [tick(1)])[0]?.sql).toBe(
      'INSERT INTO "k" ("id") VALUES ($1) ON CONFLICT ("id") DO NOTHING',
    );
  });

  it('cuts statements under 65,535 parameters, numbering each from $1', () => {
    // 3 parameters a row: 21,845 rows a statement.
    const rows = Array.from({ length: 21_845 * 2 + 1 }, (_, i) => tick(i));
    const statements = upsertStatements(TICKS, rows);
    expect(statements.map((s) => s.params.length)).toEqual([65_535, 65_535, 3]);
    expect(statements[2]?.sql).toContain(' VALUES ($1, $2, $3) ON CONFLICT');
    expect(statements[1]?.params[0]).toBe(21_845);
  });
});
