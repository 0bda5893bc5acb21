import 'reflect-metadata';
import pg from 'pg';
import { PostgresSink } from '../../../src/adapters/postgres/postgres-sink.adapter';
import { aggOrderWindowTable } from '../../../src/domain/jobs/orders.job';
import { engineCheckpoint } from '../../contracts/output.contract';
import { createTestPgDatabase, POSTGRES_URL_BASE, type TestPgDatabase } from '../../support/postgres';
import { triggerStore } from '../../support/trigger-store';
import { LEGACY_RESUMED, LEGACY_W0 } from '../../support/legacy-checkpoint';

jest.setTimeout(60_000);

const W0 = LEGACY_W0;
const BIGINT_MAX = '9223372036854775807';

/**
 * A database as schema version 3 left it: hexstream's tables as versions 1 to 3 made them (the
 * checkpoint's engine fields as BIGINT columns, timestamps with time zone), and checkpoint rows as
 * that build wrote them (epoch ms, NULL for −∞, the largest BIGINT for +∞; replay_from NULL for a
 * partition committed without a replay point).
 */
const VERSION_3 = [
  `CREATE TABLE hexstream_schema_migrations (version INT PRIMARY KEY, name VARCHAR(255) NOT NULL, applied_at TIMESTAMPTZ(3) NOT NULL DEFAULT now())`,
  `CREATE TABLE hexstream_checkpoint (
      job VARCHAR(64) NOT NULL, consumer_group VARCHAR(255) NOT NULL, partition_id INT NOT NULL,
      next_position BIGINT NOT NULL, watermark_ms BIGINT NULL, replay_from BIGINT NULL, replay_max_event_ms BIGINT NULL,
      closed_up_to_ms BIGINT NULL, commit_seq BIGINT NOT NULL, updated_at TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
      PRIMARY KEY (job, consumer_group, partition_id))`,
  `CREATE TABLE hexstream_snapshot (
      job VARCHAR(64) NOT NULL, consumer_group VARCHAR(255) NOT NULL, partitions TEXT NOT NULL, data BYTEA NOT NULL,
      created_at TIMESTAMPTZ(3) NOT NULL DEFAULT now(), PRIMARY KEY (job, consumer_group, partitions))`,
  `INSERT INTO hexstream_schema_migrations (version, name) VALUES (1, 'create hexstream_checkpoint'), (2, 'create hexstream_snapshot'), (3, 'timestamps with time zone')`,
  `INSERT INTO hexstream_checkpoint (job, consumer_group, partition_id, next_position, watermark_ms, replay_from, replay_max_event_ms, closed_up_to_ms, commit_seq) VALUES
     ('orders', 'g1', 0, 812, ${W0}, 500, ${W0 - 1_500}, ${W0 - 60_000}, 41),
     ('orders', 'g1', 1, 40, ${BIGINT_MAX}, 40, NULL, ${BIGINT_MAX}, 41),
     ('orders', 'g1', 2, 0, NULL, 0, NULL, NULL, 41),
     ('orders', 'g2', 0, 7, ${W0 + 3}, NULL, NULL, NULL, 3)`,
  `INSERT INTO hexstream_snapshot (job, consumer_group, partitions, data) VALUES ('orders', 'g1', '0,1,2', convert_to('state of a graceful stop', 'UTF8'))`,
];

describe('PostgreSQL schema version 4: the engine state folded into one opaque text', () => {
  let db: TestPgDatabase;
  beforeEach(async () => {
    db = await createTestPgDatabase();
    const admin = new pg.Client({ connectionString: `${POSTGRES_URL_BASE}/postgres` });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${db.name}"`);
    } finally {
      await admin.end();
    }
    for (const sql of VERSION_3) await db.query(sql);
  });
  afterEach(() => db.drop());

  it('resumes a version-3 database from exactly its positions, watermarks, replay points and snapshot', async () => {
    const g1 = triggerStore(new PostgresSink({ url: db.url, job: 'orders', consumerGroup: 'g1' }));
    const g2 = triggerStore(new PostgresSink({ url: db.url, job: 'orders', consumerGroup: 'g2' }));
    try {
      expect(await g1.open(aggOrderWindowTable)).toEqual(LEGACY_RESUMED);
      expect(await g2.open(aggOrderWindowTable)).toEqual({
        positions: new Map([[0, 7]]),
        watermarks: new Map([[0, W0 + 3]]),
      });
    } finally {
      await g1.close();
      await g2.close();
    }
    expect(await db.query('SELECT version FROM hexstream_schema_migrations ORDER BY version')).toEqual([
      { version: 1 },
      { version: 2 },
      { version: 3 },
      { version: 4 },
    ]);
    const columns = await db.query(
      "SELECT column_name AS c, is_nullable AS n FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'hexstream_checkpoint' ORDER BY ordinal_position",
    );
    expect(columns.map((r) => `${String(r.c)}${r.n === 'YES' ? ' NULL' : ''}`)).toEqual([
      'job',
      'consumer_group',
      'partition_id',
      'next_position',
      'commit_seq',
      'updated_at',
      'engine_state',
    ]);
  });

  it('goes on committing over a migrated partition with the compare-and-set of its old position', async () => {
    const store = triggerStore(new PostgresSink({ url: db.url, job: 'orders', consumerGroup: 'g2' }));
    try {
      await store.open(aggOrderWindowTable);
      const positions = new Map([[0, 9]]);
      const watermarks = new Map([[0, W0 + 9]]);
      const checkpoint = engineCheckpoint(positions, watermarks, -Infinity);
      await store.commit({
        sequence: 0,
        rows: [],
        deadLetters: [],
        positions,
        watermarks,
        closedUpToMs: -Infinity,
        checkpoint,
      });
      await store.close();
      expect(await store.open(aggOrderWindowTable)).toEqual({ positions, watermarks, engine: checkpoint });
    } finally {
      await store.close();
    }
  });
});
