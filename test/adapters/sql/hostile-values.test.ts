import 'reflect-metadata';
import { MySqlSink } from '../../../src/adapters/mysql/mysql-sink.adapter';
import { PostgresSink } from '../../../src/adapters/postgres/postgres-sink.adapter';
import type { ResultRow } from '../../../src/domain/records';
import type { TableSchema } from '../../../src/domain/table-schema';
import { storeCommitOf, type TriggerCommit } from '../../../src/domain/pipeline/pipeline-output';
import type { ResultStorePort } from '../../../src/ports/result-store.port';
import { engineCheckpoint } from '../../contracts/output.contract';
import { createTestDatabase } from '../../support/mariadb';
import { createTestPgDatabase } from '../../support/postgres';
import { rejection } from '../../support/rejection';

jest.setTimeout(60_000);

/**
 * Every value reaches SQL as a parameter: strings written to be SQL, escapes, quotes, comments,
 * wildcards and unicode are stored and read back byte for byte, in the key column and in a value
 * column, and every table is still there afterwards.
 */
const HOSTILE: readonly string[] = [
  "'); DROP TABLE hostile_values; --",
  "x'; DROP TABLE sentinel; --",
  '"; DROP TABLE sentinel; --',
  '`; DROP TABLE sentinel; --',
  "' OR '1'='1",
  '" OR ""="',
  "\\'; DROP TABLE sentinel; -- ",
  '\\',
  '\\\\',
  "\\'",
  'a\\nb',
  '/* comment */ SELECT 1',
  '# not a comment',
  '-- not a comment',
  '%',
  '_',
  '%_%',
  '? ?? $1 :name',
  '\r\n\t\b\x1a',
  '0x41',
  'NULL',
  '',
  ' ',
  '東京😀',
  'Ünïcødé',
  '\u202Eevil\u202C',
  'a\u200Db',
  '\u2028\u2029',
  `${"'".repeat(100)}${'\\'.repeat(100)}`,
];
/** MySQL stores NUL in text; PostgreSQL cannot (see below). */
const WITH_NUL: readonly string[] = ['\0', "a\0'; DROP TABLE sentinel; --"];

const TABLE: TableSchema = {
  name: 'hostile_values',
  primaryKey: ['k'],
  columns: [
    { name: 'k', type: { kind: 'text', maxLength: 255 } },
    { name: 'note', type: { kind: 'longText' } },
    { name: 'n', type: { kind: 'integer', bits: 64 } },
  ],
};

/** One row per value: the key is the value itself (made unique), the note the value twice. */
function rowsOf(values: readonly string[]): ResultRow[] {
  return values.map((v, i) => ({
    key: `${i}:${v}`,
    finalAtMs: Infinity,
    values: { k: `${i}:${v}`, note: `${v}|${v}`, n: i },
  }));
}

function trigger(sequence: number, rows: readonly ResultRow[]): TriggerCommit {
  const positions = new Map([[0, sequence + 1]]);
  const watermarks = new Map([[0, 0]]);
  return {
    sequence,
    rows,
    deadLetters: [],
    positions,
    watermarks,
    closedUpToMs: -Infinity,
    checkpoint: engineCheckpoint(positions, watermarks, -Infinity),
  };
}

/** What the table must hold: key → hex of the note's UTF-8 bytes, computed here, not by the database. */
function expectedHex(rows: readonly ResultRow[]): Map<string, string> {
  return new Map(
    rows.map((r) => [
      Buffer.from(r.key, 'utf8').toString('hex'),
      Buffer.from(String(r.values['note']), 'utf8').toString('hex'),
    ]),
  );
}

async function writeTwice(sink: ResultStorePort, rows: readonly ResultRow[]): Promise<void> {
  await sink.open(TABLE);
  try {
    await sink.commit(storeCommitOf(trigger(0, rows)));
    // Upserting the same keys again goes through the update path with the same values.
    await sink.commit(storeCommitOf(trigger(1, rows)));
  } finally {
    await sink.close();
  }
}

describe('hostile string values', () => {
  it('MySQL stores them byte for byte, NUL included, and leaves every table in place', async () => {
    const db = await createTestDatabase();
    try {
      await db.query('CREATE TABLE sentinel (id INT PRIMARY KEY)');
      await db.query('INSERT INTO sentinel VALUES (1)');
      const rows = rowsOf([...HOSTILE, ...WITH_NUL]);
      await writeTwice(new MySqlSink({ url: db.url, job: 'orders', consumerGroup: 'hostile' }), rows);

      const stored = await db.query('SELECT HEX(k) AS k, HEX(note) AS note FROM hostile_values');
      expect(new Map(stored.map((r) => [String(r.k).toLowerCase(), String(r.note).toLowerCase()]))).toEqual(
        expectedHex(rows),
      );
      const tables = await db.query(
        'SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME',
        [db.name],
      );
      expect(tables.map((r) => r.t)).toEqual([
        'hexstream_checkpoint',
        'hexstream_schema_migrations',
        'hexstream_snapshot',
        'hostile_values',
        'sentinel',
      ]);
      expect(await db.query('SELECT id FROM sentinel')).toEqual([{ id: 1 }]);
    } finally {
      await db.drop();
    }
  });

  it('PostgreSQL stores them byte for byte and leaves every table in place', async () => {
    const db = await createTestPgDatabase();
    const sink = new PostgresSink({ url: db.url, job: 'orders', consumerGroup: 'hostile' });
    try {
      const rows = rowsOf(HOSTILE);
      await sink.open(TABLE);
      await db.query('CREATE TABLE sentinel (id INT PRIMARY KEY)');
      await db.query('INSERT INTO sentinel VALUES (1)');
      await sink.commit(storeCommitOf(trigger(0, rows)));
      await sink.commit(storeCommitOf(trigger(1, rows)));

      const stored = await db.query(
        "SELECT encode(convert_to(k, 'UTF8'), 'hex') AS k, encode(convert_to(note, 'UTF8'), 'hex') AS note FROM hostile_values",
      );
      expect(new Map(stored.map((r) => [String(r.k), String(r.note)]))).toEqual(expectedHex(rows));
      const tables = await db.query(
        "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
      );
      expect(tables.map((r) => r.t)).toEqual([
        'hexstream_checkpoint',
        'hexstream_schema_migrations',
        'hexstream_snapshot',
        'hostile_values',
        'sentinel',
      ]);
      expect(await db.query('SELECT id FROM sentinel')).toEqual([{ id: 1 }]);
    } finally {
      await sink.close();
      await db.drop();
    }
  });

  it('PostgreSQL refuses a NUL character with an error naming the row and column, and commits nothing of the trigger', async () => {
    const db = await createTestPgDatabase();
    const sink = new PostgresSink({ url: db.url, job: 'orders', consumerGroup: 'hostile' });
    try {
      await sink.open(TABLE);
      const good = rowsOf(['fine']);
      await sink.commit(storeCommitOf(trigger(0, good)));
      const error = await rejection(
        sink.commit(
          storeCommitOf(
            trigger(1, [
              ...rowsOf(['also fine']),
              { key: 'nul', finalAtMs: Infinity, values: { k: 'nul', note: 'a\0b', n: 9 } },
            ]),
          ),
        ),
      );
      expect(error.code).toBe('SINK_WRITE_FAILED');
      expect(error.message).toBe(
        'row "nul": column note holds a NUL character (U+0000), which PostgreSQL text cannot store',
      );
      expect(await db.query('SELECT k, note FROM hostile_values')).toEqual([{ k: '0:fine', note: 'fine|fine' }]);
      expect(await db.query('SELECT next_position::int AS n FROM hexstream_checkpoint')).toEqual([{ n: 1 }]);
    } finally {
      await sink.close();
      await db.drop();
    }
  });
});
