import { createHash } from 'node:crypto';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { HexstreamError } from '../../domain/hexstream-error';
import { LEGACY_STATE_COLUMNS } from '../sql/checkpoint-rows';

/** One schema change. Statements (and `apply`, run after them) must be idempotent: MySQL commits
 *  DDL implicitly, so a crash between a statement and the version row re-runs the migration on the
 *  next start. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
  readonly apply?: (connection: Connection) => Promise<void>;
}

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin';

export const MIGRATIONS_TABLE = 'hexstream_schema_migrations';
export const CHECKPOINT_TABLE = 'hexstream_checkpoint';
export const SNAPSHOT_TABLE = 'hexstream_snapshot';

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'create hexstream_checkpoint',
    statements: [
      `CREATE TABLE IF NOT EXISTS ${CHECKPOINT_TABLE} (
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
      ) ${TABLE_OPTIONS}`,
    ],
  },
  {
    version: 2,
    name: 'create hexstream_snapshot',
    statements: [
      `CREATE TABLE IF NOT EXISTS ${SNAPSHOT_TABLE} (
        job VARCHAR(64) NOT NULL,
        consumer_group VARCHAR(255) NOT NULL,
        snapshot_id CHAR(32) NOT NULL,
        chunk INT NOT NULL,
        chunks INT NOT NULL,
        partitions MEDIUMTEXT NULL,
        data LONGBLOB NOT NULL,
        created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (job, consumer_group, snapshot_id, chunk)
      ) ${TABLE_OPTIONS}`,
    ],
  },
  {
    version: 3,
    name: 'engine state as one opaque text per partition',
    statements: [],
    apply: foldEngineState,
  },
];

/**
 * Version 3: the engine's fields (watermark_ms, replay_from, replay_max_event_ms, closed_up_to_ms)
 * become one opaque `engine_state` text per partition, which only the domain reads. Every value is
 * kept: the old columns, as stored, make a version-0 state (see `checkpoint-rows.ts`):
 *
 *   add engine_state NULL ─▶ fill it where NULL from the old columns ─▶ drop them, NOT NULL
 *
 * Each step checks what is there first, so a crash midway re-runs cleanly.
 */
async function foldEngineState(connection: Connection): Promise<void> {
  const columns = async (): Promise<Set<string>> => {
    const [rows] = await connection.query<RowDataPacket[]>(
      'SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
      [CHECKPOINT_TABLE],
    );
    return new Set(rows.map((r) => String(r.name)));
  };
  let present = await columns();
  if (!present.has('engine_state'))
    await connection.query(
      `ALTER TABLE ${CHECKPOINT_TABLE} ADD COLUMN engine_state MEDIUMTEXT NULL AFTER next_position`,
    );
  const legacy = LEGACY_STATE_COLUMNS.filter((c) => present.has(c));
  if (legacy.length === LEGACY_STATE_COLUMNS.length) {
    const fields = LEGACY_STATE_COLUMNS.map((c) => `'${c}', ${c}`).join(', ');
    await connection.query(
      `UPDATE ${CHECKPOINT_TABLE} SET engine_state = JSON_OBJECT('v', 0, ${fields}) WHERE engine_state IS NULL`,
    );
  }
  present = await columns();
  const drops = LEGACY_STATE_COLUMNS.filter((c) => present.has(c)).map((c) => `DROP COLUMN ${c}`);
  await connection.query(
    `ALTER TABLE ${CHECKPOINT_TABLE} ${[...drops, 'MODIFY COLUMN engine_state MEDIUMTEXT NOT NULL'].join(', ')}`,
  );
}

const LOCK_TIMEOUT_S = 30;

/**
 * Applies the migrations not yet recorded in `hexstream_schema_migrations`, in version order, under
 * a named lock (GET_LOCK is per server, so the name carries the database) so that instances starting
 * together do not race. Returns the versions applied now.
 */
export async function migrate(
  connection: Connection,
  database: string,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  return withNamedLock(
    connection,
    `hexstream_migrate_${createHash('md5').update(database).digest('hex')}`,
    async () => {
      await connection.query(
        `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (version INT NOT NULL PRIMARY KEY, name VARCHAR(255) NOT NULL, applied_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)) ${TABLE_OPTIONS}`,
      );
      const [rows] = await connection.query<RowDataPacket[]>(`SELECT version FROM ${MIGRATIONS_TABLE}`);
      const applied = new Set(rows.map((r) => Number(r.version)));
      const known = Math.max(0, ...migrations.map((m) => m.version));
      const newest = Math.max(0, ...applied);
      if (newest > known) {
        throw new HexstreamError(
          'CONFIG_INVALID',
          `database ${database} has schema version ${newest}, newer than the ${known} this build knows: upgrade hexstream or use another database`,
        );
      }
      const done: number[] = [];
      for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
        if (applied.has(m.version)) continue;
        for (const statement of m.statements) await connection.query(statement);
        if (m.apply !== undefined) await m.apply(connection);
        await connection.query(`INSERT INTO ${MIGRATIONS_TABLE} (version, name) VALUES (?, ?)`, [m.version, m.name]);
        done.push(m.version);
      }
      return done;
    },
  );
}

/** Runs `body` holding the server's named lock `name`, waiting for it at most `timeoutS` seconds. */
export async function withNamedLock<T>(
  connection: Connection,
  name: string,
  body: () => Promise<T>,
  timeoutS = LOCK_TIMEOUT_S,
): Promise<T> {
  const [rows] = await connection.query<RowDataPacket[]>('SELECT GET_LOCK(?, ?) AS got', [name, timeoutS]);
  if (Number(rows[0]?.got) !== 1) {
    throw new HexstreamError(
      'SINK_UNAVAILABLE',
      `another instance held the schema migration lock for more than ${timeoutS} s`,
    );
  }
  try {
    return await body();
  } finally {
    await connection.query('SELECT RELEASE_LOCK(?)', [name]);
  }
}
