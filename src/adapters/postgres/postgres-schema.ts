import type { PoolClient } from 'pg';
import { HexstreamError } from '../../domain/hexstream-error';
import { LEGACY_STATE_COLUMNS } from '../sql/checkpoint-rows';
import { POSTGRES_IDENTIFIER } from '../sql/sql-identifiers';

export const PG_MIGRATIONS_TABLE = 'hexstream_schema_migrations';
export const PG_CHECKPOINT_TABLE = 'hexstream_checkpoint';
export const PG_SNAPSHOT_TABLE = 'hexstream_snapshot';

/** A validated identifier, double-quoted (names come from configuration and job files, never from data). */
export function pgIdentifier(name: string, what: string): string {
  if (!POSTGRES_IDENTIFIER.test(name)) {
    throw new HexstreamError(
      'CONFIG_INVALID',
      `${what} ${JSON.stringify(name)} is not a valid PostgreSQL name: use letters, digits and _, not starting with a digit, at most 63 characters`,
    );
  }
  return `"${name}"`;
}

/** A timestamp column and whether the database stamps it (DEFAULT now()). */
interface TimestampColumn {
  readonly name: string;
  readonly stampedByDatabase: boolean;
}

/**
 * Turns the listed columns that are still `timestamp without time zone` (tables created before
 * hexstream used timestamptz) into `timestamptz(3)`, in one ALTER TABLE (it rewrites the table under
 * an exclusive lock). Those columns always held UTC wall-clock times (values written as UTC text, and
 * `now() AT TIME ZONE 'utc'`), so `AT TIME ZONE 'UTC'` keeps every instant whatever the session's
 * zone. Columns already converted are left alone, so a second call does nothing.
 */
export async function timestampsWithTimeZone(
  client: PoolClient,
  table: string,
  columns: readonly TimestampColumn[],
): Promise<string[]> {
  const { rows } = await client.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = $1 AND data_type = 'timestamp without time zone' AND column_name = ANY($2)`,
    [table, columns.map((c) => c.name)],
  );
  const old = new Set(rows.map((r) => r.column_name));
  const changes = columns
    .filter((c) => old.has(c.name))
    .flatMap((c) => {
      const col = pgIdentifier(c.name, 'column');
      // The old default (now() AT TIME ZONE 'utc') must not be carried over by the type change.
      const type = `ALTER COLUMN ${col} TYPE TIMESTAMPTZ(3) USING ${col} AT TIME ZONE 'UTC'`;
      return c.stampedByDatabase
        ? [`ALTER COLUMN ${col} DROP DEFAULT`, type, `ALTER COLUMN ${col} SET DEFAULT now()`]
        : [type];
    });
  if (changes.length > 0) await client.query(`ALTER TABLE ${pgIdentifier(table, 'table')} ${changes.join(', ')}`);
  return columns.filter((c) => old.has(c.name)).map((c) => c.name);
}

/** Versioned schema changes of hexstream's own tables, applied once each under an advisory lock. */
const MIGRATIONS: ReadonlyArray<{
  readonly version: number;
  readonly name: string;
  readonly apply: (client: PoolClient) => Promise<unknown>;
}> = [
  {
    version: 1,
    name: 'create hexstream_checkpoint',
    apply: (client) =>
      client.query(`CREATE TABLE IF NOT EXISTS ${PG_CHECKPOINT_TABLE} (
      job VARCHAR(64) NOT NULL, consumer_group VARCHAR(255) NOT NULL, partition_id INT NOT NULL,
      next_position BIGINT NOT NULL, watermark_ms BIGINT NULL, replay_from BIGINT NULL, replay_max_event_ms BIGINT NULL,
      closed_up_to_ms BIGINT NULL, commit_seq BIGINT NOT NULL, updated_at TIMESTAMP(3) NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
      PRIMARY KEY (job, consumer_group, partition_id))`),
  },
  {
    version: 2,
    name: 'create hexstream_snapshot',
    apply: (client) =>
      client.query(`CREATE TABLE IF NOT EXISTS ${PG_SNAPSHOT_TABLE} (
      job VARCHAR(64) NOT NULL, consumer_group VARCHAR(255) NOT NULL, partitions TEXT NOT NULL, data BYTEA NOT NULL,
      created_at TIMESTAMP(3) NOT NULL DEFAULT (now() AT TIME ZONE 'utc'), PRIMARY KEY (job, consumer_group, partitions))`),
  },
  {
    // Versions 1 and 2 stay as they were released: a new database takes the same path as an old one.
    version: 3,
    name: 'timestamps with time zone',
    apply: async (client) => {
      await timestampsWithTimeZone(client, PG_CHECKPOINT_TABLE, [{ name: 'updated_at', stampedByDatabase: true }]);
      await timestampsWithTimeZone(client, PG_SNAPSHOT_TABLE, [{ name: 'created_at', stampedByDatabase: true }]);
      await timestampsWithTimeZone(client, PG_MIGRATIONS_TABLE, [{ name: 'applied_at', stampedByDatabase: true }]);
    },
  },
  {
    version: 4,
    name: 'engine state as one opaque text per partition',
    apply: foldEngineState,
  },
];

/**
 * Version 4: the engine's fields become one opaque `engine_state` text per partition (see the
 * MySQL migration 3): the old columns, as stored, make a version-0 state, then go. PostgreSQL DDL
 * is transactional: the whole change applies, or none of it.
 */
async function foldEngineState(client: PoolClient): Promise<void> {
  const fields = LEGACY_STATE_COLUMNS.map((c) => `'${c}', ${c}`).join(', ');
  await client.query('BEGIN');
  try {
    await client.query(`ALTER TABLE ${PG_CHECKPOINT_TABLE} ADD COLUMN engine_state TEXT NULL`);
    await client.query(`UPDATE ${PG_CHECKPOINT_TABLE} SET engine_state = json_build_object('v', 0, ${fields})::text`);
    await client.query(
      `ALTER TABLE ${PG_CHECKPOINT_TABLE} ${[...LEGACY_STATE_COLUMNS.map((c) => `DROP COLUMN ${c}`), 'ALTER COLUMN engine_state SET NOT NULL'].join(', ')}`,
    );
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/** Any 64-bit number works as the lock's name; this one spells "hexstrm". */
const MIGRATION_LOCK = 0x68657873747270;

/** Runs `body` holding the migration lock: instances opening the same database at once take turns. */
export async function withMigrationLock<T>(client: PoolClient, body: () => Promise<T>): Promise<T> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    return await body();
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  }
}

export function migratePostgres(client: PoolClient): Promise<number[]> {
  return withMigrationLock(client, async () => {
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${PG_MIGRATIONS_TABLE} (version INT PRIMARY KEY, name VARCHAR(255) NOT NULL, applied_at TIMESTAMPTZ(3) NOT NULL DEFAULT now())`,
    );
    const applied = new Set(
      (await client.query<{ version: number }>(`SELECT version FROM ${PG_MIGRATIONS_TABLE}`)).rows.map((r) =>
        Number(r.version),
      ),
    );
    const known = Math.max(...MIGRATIONS.map((m) => m.version));
    const newest = Math.max(0, ...applied);
    if (newest > known)
      throw new HexstreamError(
        'CONFIG_INVALID',
        `database has schema version ${newest}, newer than the ${known} this build knows: upgrade hexstream or use another database`,
      );
    const done: number[] = [];
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      await m.apply(client);
      await client.query(`INSERT INTO ${PG_MIGRATIONS_TABLE} (version, name) VALUES ($1, $2)`, [m.version, m.name]);
      done.push(m.version);
    }
    return done;
  });
}
