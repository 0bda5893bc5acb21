import { setTimeout as sleep } from 'node:timers/promises';
import { inject, injectable, optional, type ServiceIdentifier } from 'inversify';
import pg from 'pg';
import { HexstreamError } from '../../domain/hexstream-error';
import type { TableSchema } from '../../domain/table-schema';
import { LoggerPort } from '../../ports/logger.port';
import type { ResultStorePort, StoreCommit, StoredCheckpoint } from '../../ports/result-store.port';
import { redactUrl } from '../../domain/redaction/redact';
import type { SqlSinkFaultInjection } from '../sql/sql-fault-injection';
import type { SqlStatement as Statement } from '../sql/upsert-statements';
import { readPgCheckpoint, writePgCheckpoint, type PgCheckpointOwner } from './postgres-checkpoint';
import { upsertStatements } from './postgres-rows';
import { migratePostgres, pgIdentifier } from './postgres-schema';
import { ensureResultTable, pgResultTableDdl } from './postgres-table';

export interface PostgresSinkOptions {
  /** `postgres://user:password@host:port/database`; the database is created if absent. */
  readonly url: string;
  readonly job: string;
  readonly consumerGroup: string;
  /** Reruns of a transaction after a deadlock, serialization failure or lost connection (default 5). */
  readonly maxRetries?: number;
  readonly retryBaseMs?: number;
  readonly connectTimeoutMs?: number;
  readonly faultInjection?: SqlSinkFaultInjection;
}

export const PostgresSinkOptions: ServiceIdentifier<PostgresSinkOptions> = Symbol.for('hexstream.PostgresSinkOptions');

const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '55P03', '57P01', '08000', '08003', '08006']);
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);
/** Cannot reach or log in to the server: socket errors, and SQLSTATE classes 08 (connection), 28 (authorization), 3D000 (no such database), 53300 (too many connections), 57P03 (starting up). */
const UNAVAILABLE_CODES = new Set([
  ...TRANSIENT_CODES,
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  '3D000',
  '53300',
  '57P01',
  '57P03',
]);

/**
 * The result store in PostgreSQL: upserts a job's table, with the positions and the engine's opaque
 * state per partition (and a graceful stop's snapshot) in the same transaction per trigger, like
 * the MySQL store (dead letters go through the DeadLetterPort, before):
 *
 *   BEGIN ─▶ INSERT … ON CONFLICT (key) DO UPDATE (sorted by key, ≤ 65,535 parameters each)
 *         ─▶ checkpoint (compare-and-set) ─▶ [snapshot] ─▶ COMMIT
 *
 * Deadlocks, serialization failures and lost connections roll back and rerun the whole trigger.
 */
@injectable()
export class PostgresSink implements ResultStorePort {
  private pool: pg.Pool | undefined;
  private table: TableSchema | undefined;
  private owner: PgCheckpointOwner | undefined;
  private expected = new Map<number, number>();

  constructor(
    @inject(PostgresSinkOptions) private readonly options: PostgresSinkOptions,
    // Where re-keying a table is told (see `postgres-table.ts`); without one, nothing is logged.
    @inject(LoggerPort) @optional() private readonly logger?: LoggerPort,
  ) {}

  async open(table: TableSchema): Promise<StoredCheckpoint | undefined> {
    const owner = { job: this.options.job, consumerGroup: this.options.consumerGroup };
    if (owner.job.length === 0 || owner.job.length > 64)
      throw new HexstreamError('CONFIG_INVALID', `job name must have 1 to 64 characters: ${JSON.stringify(owner.job)}`);
    pgResultTableDdl(table);
    await this.close();
    const url = this.parsedUrl();
    let connected = false;
    try {
      await this.ensureDatabase(url);
      const pool = new pg.Pool({
        connectionString: url.toString(),
        max: 4,
        connectionTimeoutMillis: this.options.connectTimeoutMs ?? 10_000,
      });
      // An idle client that loses its connection must not crash the process; the next query fails instead.
      pool.on('error', () => undefined);
      this.pool = pool;
      const client = await checkOut(pool);
      connected = true;
      try {
        await migratePostgres(client);
        await ensureResultTable(client, table, owner.job, (m) => this.logger?.warn(m, { table: table.name }));
        const checkpoint = await readPgCheckpoint(client, owner, true);
        this.table = table;
        this.owner = owner;
        this.expected = new Map(checkpoint?.positions ?? []);
        return checkpoint;
      } finally {
        client.release();
      }
    } catch (e) {
      await this.close().catch(() => undefined);
      throw this.translate(e, `open ${table.name}`, !connected && !isSqlError(e));
    }
  }

  async checkpoint(): Promise<StoredCheckpoint | undefined> {
    const { pool, owner } = this.opened();
    const client = await checkOut(pool).catch((e: unknown) => {
      throw this.translate(e, 'read the checkpoint');
    });
    try {
      const checkpoint = await readPgCheckpoint(client, owner, false);
      this.expected = new Map(checkpoint?.positions ?? []);
      return checkpoint;
    } catch (e) {
      throw this.translate(e, 'read the checkpoint');
    } finally {
      client.release();
    }
  }

  async commit(trigger: StoreCommit): Promise<void> {
    const { pool, owner, table } = this.opened();
    const statements = upsertStatements(table, trigger.rows);
    const maxRetries = this.options.maxRetries ?? 5;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.transaction(pool, owner, statements, trigger);
        break;
      } catch (e) {
        if (e instanceof HexstreamError) throw e;
        if (!isTransient(e) || attempt >= maxRetries)
          throw this.translate(
            e,
            `commit trigger ${trigger.sequence} to ${table.name}${attempt > 0 ? ` (${attempt + 1} attempts)` : ''}`,
          );
        const ceiling = Math.min(5_000, (this.options.retryBaseMs ?? 50) * 2 ** attempt);
        await sleep(ceiling / 2 + Math.random() * (ceiling / 2));
      }
    }
    for (const [p, next] of trigger.positions) this.expected.set(p, next);
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end();
  }

  private async transaction(
    pool: pg.Pool,
    owner: PgCheckpointOwner,
    statements: readonly Statement[],
    trigger: StoreCommit,
  ): Promise<void> {
    const client = await checkOut(pool);
    let broken = false;
    try {
      await client.query('BEGIN');
      for (const s of statements) await client.query(s.sql, s.params);
      const { beforeCheckpoint, beforeCommit } = this.options.faultInjection ?? {};
      if (beforeCheckpoint !== undefined) await beforeCheckpoint();
      await writePgCheckpoint(client, owner, this.expected, trigger);
      if (beforeCommit !== undefined) await beforeCommit();
      await client.query('COMMIT');
    } catch (e) {
      broken = await client.query('ROLLBACK').then(
        () => false,
        () => true,
      );
      throw e;
    } finally {
      client.release(broken);
    }
  }

  private opened(): { pool: pg.Pool; owner: PgCheckpointOwner; table: TableSchema } {
    const { pool, owner, table } = this;
    if (pool === undefined || owner === undefined || table === undefined)
      throw new HexstreamError('SINK_WRITE_FAILED', 'PostgreSQL sink used before open()');
    return { pool, owner, table };
  }

  private parsedUrl(): URL {
    let url: URL;
    try {
      url = new URL(this.options.url);
    } catch {
      throw new HexstreamError(
        'CONFIG_INVALID',
        `not a PostgreSQL URL: ${redactUrl(this.options.url)} (expected postgres://user@host:port/database)`,
      );
    }
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
      throw new HexstreamError('CONFIG_INVALID', `not a PostgreSQL URL: ${redactUrl(this.options.url)}`);
    pgIdentifier(decodeURIComponent(url.pathname.slice(1)), 'database');
    return url;
  }

  /** Creates the URL's database when it does not exist (connecting to the `postgres` database for that). */
  private async ensureDatabase(url: URL): Promise<void> {
    const name = decodeURIComponent(url.pathname.slice(1));
    const admin = new URL(url.toString());
    admin.pathname = '/postgres';
    const client = new pg.Client({
      connectionString: admin.toString(),
      connectionTimeoutMillis: this.options.connectTimeoutMs ?? 10_000,
    });
    await client.connect();
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) {
        // Another instance may create it at the same moment: duplicate_database is success too.
        await client.query(`CREATE DATABASE ${pgIdentifier(name, 'database')}`).catch((e: unknown) => {
          if ((e as { code?: unknown }).code !== '42P04') throw e;
        });
      }
    } finally {
      await client.end();
    }
  }

  /**
   * SINK_UNAVAILABLE when the server cannot be reached or refuses the login (or `connecting`: the
   * driver's connect timeout carries no code), SINK_WRITE_FAILED otherwise; the message names the
   * server by its URL without the password, as the MySQL sink's do.
   */
  private translate(e: unknown, action: string, connecting = false): HexstreamError {
    if (e instanceof HexstreamError) return e;
    const message = (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').trim();
    const code = typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
    const why = `${message}${code !== undefined && !message.includes(code) ? ` (${code})` : ''}`;
    const where = redactUrl(this.options.url);
    // Class 28 (invalid authorization): the server answered and refused the login.
    if (code?.startsWith('28') === true)
      return new HexstreamError(
        'SINK_UNAVAILABLE',
        redactUrl(
          `PostgreSQL at ${where} refused the login to ${action}: ${why} — check the user and password in --postgres`,
        ),
        { cause: e },
      );
    const unavailable =
      connecting ||
      isConnectionLost(e) ||
      (code !== undefined && (UNAVAILABLE_CODES.has(code) || code.startsWith('08') || code.startsWith('28')));
    if (unavailable)
      return new HexstreamError(
        'SINK_UNAVAILABLE',
        redactUrl(`cannot reach PostgreSQL at ${where} to ${action}: ${why}`),
        { cause: e },
      );
    return new HexstreamError('SINK_WRITE_FAILED', redactUrl(`cannot ${action} on PostgreSQL at ${where}: ${why}`), {
      cause: e,
    });
  }
}

/**
 * A client taken from the pool. One whose connection drops while it is checked out fails its query
 * and also emits 'error', which pg-pool listens to only on idle clients: without a listener of our
 * own that event would end the process. The query's failure carries the error; this one is dropped.
 */
async function checkOut(pool: pg.Pool): Promise<pg.PoolClient> {
  const client = await pool.connect();
  const ignore = (): void => undefined;
  client.on('error', ignore);
  const release = client.release.bind(client);
  client.release = (destroy?: boolean | Error): void => {
    client.off('error', ignore);
    release(destroy);
  };
  return client;
}

/** An error the server answered with (it has a SQLSTATE of five characters), as opposed to a connection failure. */
function isSqlError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}

function isTransient(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return (
    isConnectionLost(e) || (typeof code === 'string' && (TRANSIENT_SQLSTATES.has(code) || TRANSIENT_CODES.has(code)))
  );
}

/** pg's errors, without a code, for a connection closed under it: the server died or restarted, or the network dropped it. */
const CONNECTION_LOST = /^(Connection terminated|Client has encountered a connection error)/;

function isConnectionLost(e: unknown): boolean {
  return e instanceof Error && (e as { code?: unknown }).code === undefined && CONNECTION_LOST.test(e.message);
}
