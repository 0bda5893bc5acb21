import { MySqlSink } from '../../../src/adapters/mysql/mysql-sink.adapter';
import { aggOrderWindowTable } from '../../../src/domain/jobs/orders.job';
import { createTestDatabase, type TestDatabase } from '../../support/mariadb';
import { triggerStore } from '../../support/trigger-store';
import { engineCheckpoint } from '../../contracts/output.contract';
import { LEGACY_RESUMED, LEGACY_W0 } from '../../support/legacy-checkpoint';

jest.setTimeout(60_000);

const W0 = LEGACY_W0;
const BIGINT_MAX = '9223372036854775807';

/**
 * A database as schema version 2 left it: the DDL of versions 1 and 2 as released, and checkpoint
 * rows as that build wrote them (an instant in epoch ms, NULL for −∞, the largest BIGINT for +∞;
 * replay_from NULL for a partition committed without a replay point).
 */
const VERSION_2 = [
  `CREATE TABLE hexstream_schema_migrations (version INT NOT NULL PRIMARY KEY, name VARCHAR(255) NOT NULL, applied_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
  `CREATE TABLE hexstream_checkpoint (
        job VARCHAR(64) NOT NULL,
        consumer_group VARCHAR(255) NOT NULL,
        partition_id INT NOT NULL,
        next_position BIGINT NOT NULL,
        watermark_ms BIGINT NULL,
        replay_from BIGINT NULL,
        replay_max_event_ms BIGINT NULL,
        closed_up_to_ms BIGINT NULL,
        commit_seq BIGINT NOT NULL,
        updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
        PRIMARY KEY (job, consumer_group, partition_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
  `CREATE TABLE hexstream_snapshot (
        job VARCHAR(64) NOT NULL,
        consumer_group VARCHAR(255) NOT NULL,
        snapshot_id CHAR(32) NOT NULL,
        chunk INT NOT NULL,
        chunks INT NOT NULL,
        partitions MEDIUMTEXT NULL,
        data LONGBLOB NOT NULL,
        created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (job, consumer_group, snapshot_id, chunk)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
  `INSERT INTO hexstream_schema_migrations (version, name) VALUES (1, 'create hexstream_checkpoint'), (2, 'create hexstream_snapshot')`,
  `INSERT INTO hexstream_checkpoint (job, consumer_group, partition_id, next_position, watermark_ms, replay_from, replay_max_event_ms, closed_up_to_ms, commit_seq) VALUES
     ('orders', 'g1', 0, 812, ${W0}, 500, ${W0 - 1_500}, ${W0 - 60_000}, 41),
     ('orders', 'g1', 1, 40, ${BIGINT_MAX}, 40, NULL, ${BIGINT_MAX}, 41),
     ('orders', 'g1', 2, 0, NULL, 0, NULL, NULL, 41),
     ('orders', 'g2', 0, 7, ${W0 + 3}, NULL, NULL, NULL, 3)`,
  `INSERT INTO hexstream_snapshot (job, consumer_group, snapshot_id, chunk, chunks, partitions, data) VALUES
     ('orders', 'g1', 'a9f1c7e0b2d34c5e8f6a7b8c9d0e1f20', 0, 1, '0,1,2', 'state of a graceful stop')`,
];

describe('MySQL schema version 3: the engine state folded into one opaque text', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase();
    for (const sql of VERSION_2) await db.query(sql);
  });
  afterEach(async () => {
    await db.drop();
  });

  it('resumes a version-2 database from exactly its positions, watermarks, replay points and snapshot', async () => {
    const g1 = triggerStore(new MySqlSink({ url: db.url, job: 'orders', consumerGroup: 'g1' }));
    const g2 = triggerStore(new MySqlSink({ url: db.url, job: 'orders', consumerGroup: 'g2' }));
    try {
      expect(await g1.open(aggOrderWindowTable)).toEqual(LEGACY_RESUMED);
      // A partition without a replay point resumes from positions and watermarks only, as before.
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
    ]);
    const columns = await db.query(
      "SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'hexstream_checkpoint' ORDER BY ORDINAL_POSITION",
    );
    expect(columns.map((r) => r.c)).toEqual([
      'job',
      'consumer_group',
      'partition_id',
      'next_position',
      'engine_state',
      'commit_seq',
      'updated_at',
    ]);
  });

  it('goes on committing over a migrated partition with the compare-and-set of its old position', async () => {
    const store = triggerStore(new MySqlSink({ url: db.url, job: 'orders', consumerGroup: 'g2' }));
    try {
      await store.open(aggOrderWindowTable);
      const positions = new Map([[0, 9]]);
      const watermarks = new Map([[0, W0 + 9]]);
      await store.commit({
        sequence: 0,
        rows: [],
        deadLetters: [],
        positions,
        watermarks,
        closedUpToMs: -Infinity,
        checkpoint: engineCheckpoint(positions, watermarks, -Infinity),
      });
      await store.close();
      expect(await store.open(aggOrderWindowTable)).toEqual({
        positions,
        watermarks,
        engine: engineCheckpoint(positions, watermarks, -Infinity),
      });
    } finally {
      await store.close();
    }
  });
});
