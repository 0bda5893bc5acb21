import { keyMigration, keyMigrationMessage } from '../../../src/adapters/sql/key-migration';
import type { DriftDialect, ExistingColumn } from '../../../src/adapters/sql/table-drift';
import type { TableSchema } from '../../../src/domain/table-schema';

const PLAIN: DriftDialect = { expectedType: (c) => c.type.kind.toUpperCase(), longTextCapacity: 1000 };

const TABLE: TableSchema = {
  name: 't',
  primaryKey: ['at', 'id'],
  columns: [
    { name: 'id', type: { kind: 'integer', bits: 64 } },
    { name: 'at', type: { kind: 'instant' } },
    { name: 'n', type: { kind: 'integer', bits: 64 } },
  ],
};

const column = (name: string, type: string, nullable = false): ExistingColumn => ({
  name,
  type,
  nullable,
  filled: false,
});

const SAME = [column('id', 'INTEGER'), column('at', 'INSTANT'), column('n', 'INTEGER')];

const migration = (primaryKey: string[], columns = SAME): unknown =>
  keyMigration(TABLE, { columns, primaryKey }, PLAIN);

describe('keyMigration', () => {
  it('re-keys a table keyed by some of the job key columns', () => {
    expect(migration(['id'])).toEqual({ from: ['id'], to: ['at', 'id'] });
  });

  it('re-keys a table keyed by the same columns in another order', () => {
    expect(migration(['id', 'at'])).toEqual({ from: ['id', 'at'], to: ['at', 'id'] });
  });

  it('leaves a table with the job key alone', () => {
    expect(migration(['at', 'id'])).toBeUndefined();
  });

  it('does not re-key a table without a key, or with a column the job key lacks', () => {
    expect([migration([]), migration(['n']), migration(['id', 'n'])]).toEqual([undefined, undefined, undefined]);
  });

  it('does not re-key a table that differs in anything else too', () => {
    expect(migration(['id'], [column('id', 'INTEGER'), column('at', 'INSTANT'), column('n', 'INTEGER', true)])).toBe(
      undefined,
    );
    expect(migration(['id'], [column('id', 'INTEGER'), column('at', 'INSTANT')])).toBeUndefined();
  });

  it('says what it does in one line', () => {
    expect(keyMigrationMessage('t', { from: ['id'], to: ['at', 'id'] })).toBe(
      'migrating table t: primary key (id) becomes (at, id), which rebuilds the table; writes wait until it is done',
    );
  });
});
