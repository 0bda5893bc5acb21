import 'reflect-metadata';
import pg from 'pg';
import { PostgresSink } from '../../../src/adapters/postgres/postgres-sink.adapter';
import type { TableSchema } from '../../../src/domain/table-schema';
import { storeCommitOf } from '../../../src/domain/pipeline/pipeline-output';
import type { StoreCommit } from '../../../src/ports/result-store.port';
import { createTestPgDatabase, POSTGRES_URL_BASE, type TestPgDatabase } from '../../support/postgres';

/** A small job table: a key, an event-time column and a column the sink stamps. */
const TICKS: TableSchema = {
  name: 'ticks',
  primaryKey: ['id'],
  columns: [
    { name: 'id', type: { kind: 'text', maxLength: 16 } },
    { name: 'at', type: { kind: 'instant' } },
    { name: 'updated_at', type: { kind: 'writtenAt' } },
  ],
};

/**
 * A database as hexstream left it before timestamptz: the DDL of schema versions 1 and 2, the result
 * table as it was created then, and values written as UTC wall-clock text (the old sink's way).
 */
const OLD_SCHEMA = [
  `CREATE TABLE hexstream_schema_migrations (version INT PRIMARY KEY, name VARCHAR(255) NOT NULL, applied_at TIMESTAMP(3) NOT NULL DEFAULT (now() AT TIME ZONE 'utc'))`,
  `CREATE TABLE hexstream_checkpoint (
      job VARCHAR(64) NOT NULL, consumer_group VARCHAR(255) NOT NULL, partition_id INT NOT NULL,
      next_position BIGINT NOT NULL, watermark_ms BIGINT NULL, replay_from BIGINT NULL, replay_max_event_ms BIGINT NULL,
      closed_up_to_ms BIGINT NULL, commit_seq BIGINT NOT NULL, updated_at TIMESTAMP(3) NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
      PRIMARY KEY (job, consumer_group, partition_id))`,
  `CREATE TABLE hexstream_snapshot (
      job VARCHAR(64) NOT NULL, consumer_group VARCHAR(255) NOT NULL, partitions TEXT NOT NULL, data BYTEA NOT NULL,
      created_at TIMESTAMP(3) NOT NULL DEFAULT (now() AT TIME ZONE 'utc'), PRIMARY KEY (job, consumer_group, partitions))`,
  `INSERT INTO hexstream_schema_migrations (version, name, applied_at) VALUES (1, 'create hexstream_checkpoint', '2025-06-30 23:59:59.001'), (2, 'create hexstream_snapshot', '2025-06-30 23:59:59.002')`,
  `INSERT INTO hexstream_checkpoint VALUES ('ticks', 'g', 0, 42, 1000, 0, NULL, NULL, 7, '2025-07-01 10:00:00.250')`,
  `INSERT INTO hexstream_snapshot VALUES ('ticks', 'g', '0', 'snap', '2025-07-01 10:00:00.500')`,
  `CREATE TABLE "ticks" ("id" VARCHAR(16) NOT NULL, "at" TIMESTAMP(3) NOT NULL, "updated_at" TIMESTAMP(3) DEFAULT (now() AT TIME ZONE 'utc') NOT NULL, PRIMARY KEY ("id"))`,
  `INSERT INTO "ticks" VALUES ('a', '2025-01-15 23:30:00.125', '2025-07-01 10:00:00.750'), ('b', '2025-03-30 01:30:00.000', '2025-07-01 10:00:00.875')`,
];

/** Each timestamp column of hexstream's tables: its type and default. */
async function timestampColumns(db: TestPgDatabase): Promise<Array<Record<string, unknown>>> {
  return db.query(
    `SELECT table_name AS t, column_name AS c, data_type AS type, datetime_precision AS p, column_default AS d FROM information_schema.columns
      WHERE table_schema = 'public' AND data_type LIKE 'timestamp%' ORDER BY table_name, column_name`,
  );
}

/** Epoch milliseconds of a timestamp column, as text (read the same way whatever the column's type). */
function epochMs(column: string): string {
  return `(extract(epoch from ${column}) * 1000)::bigint::text`;
}

function trigger(): StoreCommit {
  const next = 43;
  return storeCommitOf({
    sequence: 8,
    rows: [{ key: 'c', finalAtMs: Infinity, values: { id: 'c', at: Date.UTC(2025, 9, 26, 0, 30, 0, 5) } }],
    deadLetters: [],
    positions: new Map([[0, next]]),
    watermarks: new Map([[0, 1_000]]),
    closedUpToMs: -Infinity,
    checkpoint: {
      partitions: new Map([
        [
          0,
          {
            nextPosition: next,
            watermarkMs: 1_000,
            replayFrom: 0,
            replayMaxEventMs: -Infinity,
            closedUpToMs: -Infinity,
          },
        ],
      ]),
    },
  });
}

describe('PostgreSQL timestamps are timestamptz', () => {
  let db: TestPgDatabase;

  beforeEach(async () => {
    db = await createTestPgDatabase();
    const admin = new pg.Client({ connectionString: `${POSTGRES_URL_BASE}/postgres` });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${db.name}"`);
      // Sessions of this database are not in UTC: conversions that lean on the session's zone show.
      await admin.query(`ALTER DATABASE "${db.name}" SET timezone = 'America/New_York'`);
    } finally {
      await admin.end();
    }
  });
  afterEach(() => db.drop());

  it('migrates tables created with timestamp without time zone, keeping every instant', async () => {
    for (const sql of OLD_SCHEMA) await db.query(sql);
    const sink = new PostgresSink({ url: db.url, job: 'ticks', consumerGroup: 'g' });
    try {
      const checkpoint = await sink.open(TICKS);
      expect(checkpoint?.positions).toEqual(new Map([[0, 42]]));
      expect(checkpoint?.snapshots).toEqual([{ partitions: [0], data: 'snap' }]);
    } finally {
      await sink.close();
    }

    const tz = { type: 'timestamp with time zone', p: 3 };
    expect(await timestampColumns(db)).toEqual([
      { t: 'hexstream_checkpoint', c: 'updated_at', ...tz, d: 'now()' },
      { t: 'hexstream_schema_migrations', c: 'applied_at', ...tz, d: 'now()' },
      { t: 'hexstream_snapshot', c: 'created_at', ...tz, d: 'now()' },
      { t: 'ticks', c: 'at', ...tz, d: null },
      { t: 'ticks', c: 'updated_at', ...tz, d: 'now()' },
    ]);
    // The old values were UTC wall-clock times: the same instants now, in a session that is not in UTC.
    expect(
      await db.query(`SELECT id, ${epochMs('at')} AS at, ${epochMs('updated_at')} AS u FROM ticks ORDER BY id`),
    ).toEqual([
      { id: 'a', at: String(Date.UTC(2025, 0, 15, 23, 30, 0, 125)), u: String(Date.UTC(2025, 6, 1, 10, 0, 0, 750)) },
      { id: 'b', at: String(Date.UTC(2025, 2, 30, 1, 30, 0, 0)), u: String(Date.UTC(2025, 6, 1, 10, 0, 0, 875)) },
    ]);
    expect(await db.query(`SELECT ${epochMs('updated_at')} AS u FROM hexstream_checkpoint`)).toEqual([
      { u: String(Date.UTC(2025, 6, 1, 10, 0, 0, 250)) },
    ]);
    expect(await db.query(`SELECT ${epochMs('created_at')} AS c FROM hexstream_snapshot`)).toEqual([
      { c: String(Date.UTC(2025, 6, 1, 10, 0, 0, 500)) },
    ]);
    expect(
      await db.query(
        `SELECT version, ${epochMs('applied_at')} AS a FROM hexstream_schema_migrations WHERE version < 3 ORDER BY version`,
      ),
    ).toEqual([
      { version: 1, a: String(Date.UTC(2025, 5, 30, 23, 59, 59, 1)) },
      { version: 2, a: String(Date.UTC(2025, 5, 30, 23, 59, 59, 2)) },
    ]);
    expect(await db.query('SELECT version, name FROM hexstream_schema_migrations ORDER BY version')).toEqual([
      { version: 1, name: 'create hexstream_checkpoint' },
      { version: 2, name: 'create hexstream_snapshot' },
      { version: 3, name: 'timestamps with time zone' },
      { version: 4, name: 'engine state as one opaque text per partition' },
    ]);
  });

  it('writes instants: an event time and the stamps are right in a database whose sessions are not in UTC', async () => {
    const sink = new PostgresSink({ url: db.url, job: 'ticks', consumerGroup: 'g' });
    const before = Date.now();
    try {
      await sink.open(TICKS);
      await sink.commit(trigger());
      // Opened again: nothing left to convert, the row stays as written.
      await sink.close();
      await sink.open(TICKS);
    } finally {
      await sink.close();
    }
    const after = Date.now();
    const [row] = await db.query(`SELECT id, ${epochMs('at')} AS at, ${epochMs('updated_at')} AS u FROM ticks`);
    expect({ id: row?.['id'], at: row?.['at'] }).toEqual({ id: 'c', at: String(Date.UTC(2025, 9, 26, 0, 30, 0, 5)) });
    // The server's clock is this machine's: the stamp lies within the test's own reading of it.
    const stamped = Number(row?.['u']);
    expect(stamped >= before - 1_000 && stamped <= after + 1_000).toBe(true);
    const [cp] = await db.query(
      `SELECT next_position::int AS n, ${epochMs('updated_at')} AS u FROM hexstream_checkpoint`,
    );
    expect(cp?.['n']).toBe(43);
    expect(Number(cp?.['u']) >= before - 1_000 && Number(cp?.['u']) <= after + 1_000).toBe(true);
    expect((await timestampColumns(db)).map((c) => `${String(c['t'])}.${String(c['c'])} ${String(c['type'])}`)).toEqual(
      [
        'hexstream_checkpoint.updated_at timestamp with time zone',
        'hexstream_schema_migrations.applied_at timestamp with time zone',
        'hexstream_snapshot.created_at timestamp with time zone',
        'ticks.at timestamp with time zone',
        'ticks.updated_at timestamp with time zone',
      ],
    );
  });
});
