import { setTimeout as sleep } from 'node:timers/promises';
import { inject, injectable, optional, type ServiceIdentifier } from 'inversify';
import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { HexstreamError } from '../../domain/hexstream-error';
import type { TableSchema } from '../../domain/table-schema';
import { LoggerPort } from '../../ports/logger.port';
import type { ResultStorePort, StoreCommit, StoredCheckpoint } from '../../ports/result-store.port';
import type { SqlSinkFaultInjection } from '../sql/sql-fault-injection';
import { migrate } from './migrations';
import { readCheckpoint, writeCheckpoint, type CheckpointOwner } from './mysql-checkpoint';
import { describeDriverError, isConnectionLost, isTransient, translateMySqlError } from './mysql-errors';
import { acquireSession, createMySqlPool, parseMySqlUrl, redactMySqlUrl } from './mysql-pool';
import { replaceStatements } from './mysql-rows';
import { readSnapshots, writeSnapshot } from './mysql-snapshot';
import { statementTexts } from './mysql-statement-text';
import { ensureResultTable, resultTableDdl } from './mysql-table';

export interface MySqlSinkOptions {
  /** `mysql://user:password@host:port/database`; the database is created if absent. */
  readonly url: string;
  /** Job name, part of the checkpoint's key (at most 64 characters). */
  readonly job: string;
  /** Consumer group, part of the checkpoint's key (at most 255 characters). */
  readonly consumerGroup: string;
  /** Reruns of a transaction after a deadlock, lock wait timeout or lost connection (default 5). */
  readonly maxRetries?: number;
  /** First backoff before a rerun, doubled each time, with jitter, capped at 5 s (default 50 ms). */
  readonly retryBaseMs?: number;
  /** Bound on establishing a connection (default 10 s). */
  readonly connectTimeoutMs?: number;
  /** Caps statements below the server's `max_allowed_packet` (smaller batches; tests). */
  readonly maxStatementBytes?: number;
  readonly faultInjection?: SqlSinkFaultInjection;
}

export const MySqlSinkOptions: ServiceIdentifier<MySqlSinkOptions> = Symbol.for('hexstream.MySqlSinkOptions');

const MAX_BACKOFF_MS = 5_000;
/**
 * Rows go in statements of about 1 MiB (some 4,000 rows of agg_order_window; a larger row alone, up
 * to max_allowed_packet): the driver holds a statement twice (the SQL text with its values inlined,
 * and the packet), so a trigger of 50,000 rows as a few 16 MiB statements costs tens of MB at once,
 * for no gain in speed (a round trip per MiB is nothing next to writing the rows).
 */
const STATEMENT_BYTES = 1 << 20;

/**
 * The result store in MySQL/MariaDB: upserts a job's table and stores the source positions and the
 * engine's opaque state per partition with the rows, in one transaction per trigger (ARCHITECTURE
 * §3); `open()` gives them back:
 *
 *   BEGIN ─▶ REPLACE rows (sorted by key, cut under max_allowed_packet) ─▶ checkpoint (compare-and-set)
 *         ─▶ [last trigger of a graceful stop: the engine's snapshot, in chunks] ─▶ COMMIT
 *              deadlock / lock wait timeout / lost connection before COMMIT ─▶ ROLLBACK, back off, rerun all
 *              another instance moved a partition's position ─▶ ROLLBACK, SINK_FENCED
 *
 * Dead letters are not its business: the DeadLetterPort takes them before this commit (see
 * `commit-trigger.ts`).
 *
 * A connection lost during COMMIT leaves the outcome unknown: that commit fails with
 * SINK_UNAVAILABLE and the sink refuses further commits until reopened, as `open()` reads back
 * what was actually stored.
 */
@injectable()
export class MySqlSink implements ResultStorePort {
  private pool: Pool | undefined;
  private table: TableSchema | undefined;
  private checkpointOwner: CheckpointOwner | undefined;
  private maxPacketBytes = 0;
  /** Per partition, the position this instance last read or committed: the compare-and-set's expectation. */
  private expected = new Map<number, number>();
  private inDoubt: HexstreamError | undefined;
  /** REPLACE statements of the last successful commit. */
  lastCommitStatements = 0;

  constructor(
    @inject(MySqlSinkOptions) private readonly options: MySqlSinkOptions,
    // Where re-keying a table is told (see `mysql-table.ts`); without one, nothing is logged.
    @inject(LoggerPort) @optional() private readonly logger?: LoggerPort,
  ) {}

  async open(table: TableSchema): Promise<StoredCheckpoint | undefined> {
    // Configuration errors first, without touching the server.
    const owner = this.validatedOwner();
    const database = parseMySqlUrl(this.options.url).database;
    resultTableDdl(table);
    await this.close();
    let checkpoint: StoredCheckpoint | undefined;
    try {
      const pool = await createMySqlPool(this.options.url, { connectTimeoutMs: this.options.connectTimeoutMs });
      this.pool = pool;
      const connection = await acquireSession(pool);
      try {
        await migrate(connection, database);
        await ensureResultTable(connection, table, owner.job, (m) => this.logger?.warn(m, { table: table.name }));
        const [rows] = await connection.query<RowDataPacket[]>('SELECT @@max_allowed_packet AS max');
        this.maxPacketBytes = Math.min(Number(rows[0]?.max), this.options.maxStatementBytes ?? Infinity);
        checkpoint = await readCheckpoint(connection, owner);
        const snapshots = checkpoint === undefined ? [] : await readSnapshots(connection, owner);
        if (checkpoint !== undefined && snapshots.length > 0) checkpoint = { ...checkpoint, snapshots };
      } finally {
        connection.release();
      }
    } catch (e) {
      await this.close().catch(() => undefined);
      throw translateMySqlError(e, `open ${table.name}`, this.options.url);
    }
    this.table = table;
    this.checkpointOwner = owner;
    this.expected = new Map(checkpoint?.positions ?? []);
    this.inDoubt = undefined;
    return checkpoint;
  }

  /** Reads the committed checkpoint again; the positions this instance expects follow it. */
  async checkpoint(): Promise<StoredCheckpoint | undefined> {
    const pool = this.pool;
    const owner = this.checkpointOwner;
    if (pool === undefined || owner === undefined)
      throw new HexstreamError('SINK_WRITE_FAILED', 'MySQL sink used before open()');
    try {
      const connection = await acquireSession(pool);
      try {
        const checkpoint = await readCheckpoint(connection, owner);
        this.expected = new Map(checkpoint?.positions ?? []);
        return checkpoint;
      } finally {
        connection.release();
      }
    } catch (e) {
      throw translateMySqlError(e, 'read the checkpoint', this.options.url);
    }
  }

  async commit(trigger: StoreCommit): Promise<void> {
    const pool = this.pool;
    const table = this.table;
    const owner = this.checkpointOwner;
    if (pool === undefined || table === undefined || owner === undefined)
      throw new HexstreamError('SINK_WRITE_FAILED', 'MySQL sink used before open()');
    if (this.inDoubt !== undefined) throw this.inDoubt;
    // As text at once: while the commit runs (and the next trigger is processed) no per-value objects wait.
    const statements = statementTexts(replaceStatements(table, trigger.rows, this.maxPacketBytes, STATEMENT_BYTES));
    const maxRetries = this.options.maxRetries ?? 5;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.transaction(pool, owner, statements, trigger);
        break;
      } catch (e) {
        if (e instanceof HexstreamError) throw e;
        if (!isTransient(e) || attempt >= maxRetries) {
          const tries = attempt > 0 ? ` (${attempt + 1} attempts)` : '';
          throw translateMySqlError(e, `commit trigger ${trigger.sequence} to ${table.name}${tries}`, this.options.url);
        }
        await sleep(this.backoffMs(attempt));
      }
    }
    for (const [p, next] of trigger.positions) this.expected.set(p, next);
    this.lastCommitStatements = statements.length;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    if (pool === undefined) return;
    try {
      await pool.end();
    } catch (e) {
      throw translateMySqlError(e, 'close the connection pool', this.options.url);
    }
  }

  private async transaction(
    pool: Pool,
    owner: CheckpointOwner,
    statements: readonly string[],
    trigger: StoreCommit,
  ): Promise<void> {
    const connection = await acquireSession(pool);
    let committing = false;
    try {
      await connection.beginTransaction();
      for (const sql of statements) await connection.query(sql);
      const { beforeCheckpoint, beforeCommit } = this.options.faultInjection ?? {};
      if (beforeCheckpoint !== undefined) await beforeCheckpoint();
      await writeCheckpoint(connection, owner, this.expected, trigger);
      if (trigger.snapshot !== undefined) await writeSnapshot(connection, owner, trigger.snapshot, this.maxPacketBytes);
      if (beforeCommit !== undefined) await beforeCommit();
      committing = true;
      await connection.commit();
    } catch (e) {
      await abandon(connection, e);
      if (committing && isConnectionLost(e)) {
        // The server may have committed before the connection went: rerunning could double-apply the
        // positions (and be reported as fenced). Only a reopen knows what was stored.
        this.inDoubt = new HexstreamError(
          'SINK_UNAVAILABLE',
          `connection to ${redactMySqlUrl(this.options.url)} lost during COMMIT of trigger ${trigger.sequence}: outcome unknown, reopen the sink to resume from the stored checkpoint (${describeDriverError(e)})`,
          { cause: e },
        );
        throw this.inDoubt;
      }
      throw e;
    }
    connection.release();
  }

  /** The checkpoint's key, after checking every option: CONFIG_INVALID before any connection. */
  private validatedOwner(): CheckpointOwner {
    const { job, consumerGroup, maxRetries, retryBaseMs, connectTimeoutMs, maxStatementBytes } = this.options;
    const check = (name: string, v: number | undefined, ok: (n: number) => boolean, want: string): void => {
      if (v !== undefined && !ok(v))
        throw new HexstreamError('CONFIG_INVALID', `MySQL sink option ${name} must be ${want}: ${v}`);
    };
    check('maxRetries', maxRetries, (n) => Number.isInteger(n) && n >= 0 && n <= 100, 'an integer from 0 to 100');
    check('retryBaseMs', retryBaseMs, (n) => Number.isFinite(n) && n >= 0, 'a duration ≥ 0 ms');
    check('connectTimeoutMs', connectTimeoutMs, (n) => Number.isFinite(n) && n > 0, 'a duration > 0 ms');
    check(
      'maxStatementBytes',
      maxStatementBytes,
      (n) => Number.isInteger(n) && n >= 1024,
      'at least 1024 (MySQL’s smallest max_allowed_packet)',
    );
    if (job.length === 0 || job.length > 64)
      throw new HexstreamError('CONFIG_INVALID', `job name must have 1 to 64 characters: ${JSON.stringify(job)}`);
    if (consumerGroup.length === 0 || consumerGroup.length > 255)
      throw new HexstreamError(
        'CONFIG_INVALID',
        `consumer group must have 1 to 255 characters: ${JSON.stringify(consumerGroup)}`,
      );
    return { job, consumerGroup };
  }

  /** Exponential, capped, with jitter so that instances that collided do not collide again. */
  private backoffMs(attempt: number): number {
    const ceiling = Math.min(MAX_BACKOFF_MS, (this.options.retryBaseMs ?? 50) * 2 ** attempt);
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }
}

/** Rolls back and returns the connection to the pool, or drops it when it may be broken. */
async function abandon(connection: PoolConnection, cause: unknown): Promise<void> {
  if (isConnectionLost(cause)) {
    connection.destroy();
    return;
  }
  try {
    await connection.rollback();
    connection.release();
  } catch {
    connection.destroy();
  }
}
