import { tableDifferences, type DriftDialect, type ExistingColumn } from '../../../src/adapters/sql/table-drift';
import type { TableSchema } from '../../../src/domain/table-schema';

/** A dialect that spells types plainly: what the comparison does not depend on. */
const PLAIN: DriftDialect = {
  expectedType: (c) => {
    switch (c.type.kind) {
      case 'text':
        return `${c.type.fixedLength === true ? 'CHAR' : 'VARCHAR'}(${c.type.maxLength})`;
      case 'longText':
        return 'MEDIUMTEXT';
      case 'writtenAt':
        return 'TS DEFAULT NOW';
      default:
        return c.type.kind.toUpperCase();
    }
  },
  longTextCapacity: 1000,
};

const TABLE: TableSchema = {
  name: 't',
  primaryKey: ['id', 'at'],
  columns: [
    { name: 'id', type: { kind: 'text', maxLength: 8, fixedLength: true } },
    { name: 'at', type: { kind: 'instant' } },
    { name: 'doc', type: { kind: 'longText' } },
    { name: 'stamp', type: { kind: 'writtenAt' } },
  ],
};

const column = (name: string, type: string, more: Partial<ExistingColumn> = {}): ExistingColumn => ({
  name,
  type,
  nullable: false,
  filled: false,
  ...more,
});

/** The table exactly as the job creates it. */
const SAME: readonly ExistingColumn[] = [
  column('id', 'CHAR(8)', { text: { capacity: 8, padded: true } }),
  column('at', 'INSTANT'),
  column('doc', 'MEDIUMTEXT', { text: { capacity: 1000, padded: false } }),
  column('stamp', 'TS', { filled: true, stamp: 'NOW' }),
];

function differences(columns: readonly ExistingColumn[], primaryKey = ['id', 'at']): string[] {
  return tableDifferences(TABLE, { columns, primaryKey }, PLAIN);
}

function replaced(name: string, by: ExistingColumn): ExistingColumn[] {
  return SAME.map((c) => (c.name === name ? by : c));
}

describe('tableDifferences', () => {
  it('finds none in the table the job creates', () => {
    expect(differences(SAME)).toEqual([]);
  });

  it('takes a fixed-length text as a long enough VARCHAR, and a long text as a larger one', () => {
    const columns = replaced('id', column('id', 'VARCHAR(8)', { text: { capacity: 8, padded: false } }));
    expect(differences(columns)).toEqual([]);
    const larger = replaced('doc', column('doc', 'LONGTEXT', { text: { capacity: 5000, padded: false } }));
    expect(differences(larger)).toEqual([]);
  });

  it('refuses a long text that holds fewer characters than the job may write', () => {
    const columns = replaced('doc', column('doc', 'TEXT', { text: { capacity: 999, padded: false } }));
    expect(differences(columns)).toEqual(['column doc is TEXT, the job writes MEDIUMTEXT']);
  });

  it('refuses a text type the database would not store byte for byte', () => {
    const columns = replaced('id', column('id', 'CHAR(8) COLLATE latin1_swedish_ci'));
    expect(differences(columns)).toEqual(['column id is CHAR(8) COLLATE latin1_swedish_ci, the job writes CHAR(8)']);
  });

  it('shows a written-at default other than the current time as no stamp at all', () => {
    const columns = replaced('stamp', column('stamp', 'TS', { filled: true }));
    expect(differences(columns)).toEqual(['column stamp is TS, the job writes TS DEFAULT NOW']);
  });

  it('takes extra columns that are nullable or filled in, and names those that are neither', () => {
    const columns = [
      ...SAME,
      column('a', 'INT', { nullable: true }),
      column('b', 'INT', { filled: true }),
      column('c', 'INT'),
    ];
    expect(differences(columns)).toEqual(['extra column c (NOT NULL without default)']);
  });

  it('refuses a primary key in another order, or none', () => {
    expect(differences(SAME, ['at', 'id'])).toEqual(["primary key is (at, id), the job's is (id, at)"]);
    expect(differences(SAME, [])).toEqual(["primary key is none, the job's is (id, at)"]);
  });
});
