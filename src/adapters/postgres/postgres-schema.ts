import type { PoolClient } from 'pg';
import { HexstreamError } from '../../domain/hexstream-error';
import type { ColumnSpec, TableSchema } from '../../domain/table-schema';
import { POSTGRES_IDENTIFIER } from '../sql/sql-identifiers';

export const PG_MIGRATIONS_TABLE = 'hexstream_schema_migrations';
export const PG_CHECKPOINT_TABLE = 'hexstream_checkpoint';
export const PG_SNAPSHOT_TABLE = 'hexstream_snapshot';

/** A validated identifier, double-quoted (names come from configuration and job files, never from data). */
export function pgIdentifier(name: string, what: string): string {
  if (!POSTGRES_IDENTIFIER.test(name)) {
    throw new HexstreamError('CONFIG_INVALID', `${what} ${JSON.stringify(name)} is not a valid PostgreSQL name: use letters, digits and _, not starting with a digit, at most 63 characters`);
  }
  return `"${name}"`;
}

/** Versioned, idempotent schema changes of hexstream's own tables, applied under an advisory lock. */
const MIGRATIONS: ReadonlyArray<{ readonly version: number; readonly name: string; readonly sql: string }> = [
  {
    version: 1,
    name: 'create hexstream_checkpoint',
    sql: `CREATE TABLE IF NOT EXISTS ${PG_CHECKPOINT_TABLE} (
      job VARCHAR(64) NOT NULL, consumer_group VARCHAR(255) NOT NULL, partition_id INT NOT NULL,
      next_position BIGINT NOT NULL, watermark_ms BIGINT NULL, replay_from BIGINT NULL, replay_max_event_ms BIGINT NULL,
      closed_up_to_ms BIGINT NULL, commit_seq BIGINT NOT NULL, updated_at TIMESTAMP(3) NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
      PRIMARY KEY (job, consumer_group, partition_id))`,
  },
  {
    version: 2,
    name: 'create hexstream_snapshot',
    sql: `CREATE TABLE IF NOT EXISTS ${PG_SNAPSHOT_TABLE} (
      job VARCHAR(64) NOT NULL, consumer_group VARCHAR(255) NOT NULL, partitions TEXT NOT NULL, data BYTEA NOT NULL,
      created_at TIMESTAMP(3) NOT NULL DEFAULT (now() AT TIME ZONE 'utc'), PRIMARY KEY (job, consumer_group, partitions))`,
  },
];

/** Any 64-bit number works as the lock's name; this one spells "hexstrm". */
const MIGRATION_LOCK = 0x68657873747270;

export async function migratePostgres(client: PoolClient): Promise<number[]> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS ${PG_MIGRATIONS_TABLE} (version INT PRIMARY KEY, name VARCHAR(255) NOT NULL, applied_at TIMESTAMP(3) NOT NULL DEFAULT (now() AT TIME ZONE 'utc'))`);
    const applied = new Set((await client.query<{ version: number }>(`SELECT version FROM ${PG_MIGRATIONS_TABLE}`)).rows.map((r) => Number(r.version)));
    const known = Math.max(...MIGRATIONS.map((m) => m.version));
    const newest = Math.max(0, ...applied);
    if (newest > known) throw new HexstreamError('CONFIG_INVALID', `database has schema version ${newest}, newer than the ${known} this build knows: upgrade hexstream or use another database`);
    const done: number[] = [];
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      await client.query(m.sql);
      await client.query(`INSERT INTO ${PG_MIGRATIONS_TABLE} (version, name) VALUES ($1, $2)`, [m.version, m.name]);
      done.push(m.version);
    }
    return done;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  }
}

/**
 * The PostgreSQL type of a column declared in the job's (MySQL-flavoured) schema: DATETIME(3) →
 * TIMESTAMP(3) (UTC, no zone), DOUBLE → DOUBLE PRECISION, DECIMAL(p,s) → NUMERIC(p,s),
 * MEDIUMTEXT/LONGTEXT → TEXT; other text and integer types as declared.
 */
export function pgColumnType(c: ColumnSpec): string {
  const sql = c.type.sql.trim().toUpperCase();
  const size = /\((\d+(,\s*\d+)?)\)$/.exec(sql)?.[1];
  switch (c.type.kind) {
    case 'text':
      if (!/^(VAR)?CHAR\(\d+\)$|^(MEDIUM|LONG)?TEXT$/.test(sql)) throw new HexstreamError('CONFIG_INVALID', `column ${c.name}: unsupported text type ${c.type.sql}`);
      return sql.endsWith('TEXT') ? 'TEXT' : sql;
    case 'integer':
      return /^(TINYINT|SMALLINT)/.test(sql) ? 'SMALLINT' : /^(MEDIUMINT|INT)/.test(sql) ? 'INTEGER' : 'BIGINT';
    case 'float':
      return 'DOUBLE PRECISION';
    case 'decimal':
      return `NUMERIC(${size ?? `38,${c.type.scale}`})`;
    case 'timestamp':
      return c.type.setBySink === true ? `TIMESTAMP(3) DEFAULT (now() AT TIME ZONE 'utc')` : 'TIMESTAMP(3)';
  }
}

export function pgResultTableDdl(table: TableSchema): string {
  const name = pgIdentifier(table.name, 'table');
  if ([PG_MIGRATIONS_TABLE, PG_CHECKPOINT_TABLE, PG_SNAPSHOT_TABLE].includes(table.name)) {
    throw new HexstreamError('CONFIG_INVALID', `table ${table.name} is reserved for hexstream's own bookkeeping`);
  }
  if (table.primaryKey.length === 0) throw new HexstreamError('CONFIG_INVALID', `table ${table.name} has no primary key`);
  const columns = table.columns.map((c) => `${pgIdentifier(c.name, 'column')} ${pgColumnType(c)} NOT NULL`);
  const key = table.primaryKey.map((k) => pgIdentifier(k, 'primary key column')).join(', ');
  return `CREATE TABLE IF NOT EXISTS ${name} (${[...columns, `PRIMARY KEY (${key})`].join(', ')})`;
}
