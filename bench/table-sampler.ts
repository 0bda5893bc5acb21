import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { SAMPLE_EVERY_MS, SAMPLE_LIMIT, TABLE } from './prod-bench-config';

/** A row version seen by a poll. */
export interface Sample {
  readonly rowkey: string;
  readonly orders: number;
  readonly eventMs: number;
  readonly updatedMs: number;
}

/**
 * Polls the result table and the group's checkpoint once a second, in one consistent snapshot:
 * the rows updated since the last poll, and the newest commit.
 */
export class TableSampler {
  readonly samples: Sample[] = [];
  readonly commitLag: number[] = [];
  /** [time, newest commit_seq] per poll while orders are produced: the trigger cadence. */
  readonly triggers: Array<[number, number]> = [];
  polls = 0;
  /** Orders are still being produced (commit lag and cadence are measured only then). */
  producing = true;
  private newest = '1970-01-01 00:00:00.000';
  private sampling = true;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly sql: Connection,
    private readonly group: string,
  ) {}

  start(): void {
    this.loop = (async (): Promise<void> => {
      for (let next = Date.now(); this.sampling; next += SAMPLE_EVERY_MS) {
        await sleep(Math.max(0, next - Date.now()));
        if (this.sampling) await this.poll();
      }
    })();
  }

  /** Ends the polling; rejects with a poll's failure. */
  async stop(): Promise<void> {
    this.sampling = false;
    await this.loop;
  }

  async poll(): Promise<void> {
    const sql = this.sql;
    await sql.query('START TRANSACTION WITH CONSISTENT SNAPSHOT');
    const [rows] = await sql.query<RowDataPacket[]>(
      `SELECT rowkey, total_orders AS n, updated_at AS u, ROUND(UNIX_TIMESTAMP(last_event_at) * 1000) AS ev, ROUND(UNIX_TIMESTAMP(updated_at) * 1000) AS up
       FROM ${TABLE} WHERE updated_at > ? ORDER BY updated_at DESC LIMIT ${SAMPLE_LIMIT}`,
      [this.newest],
    );
    const [checkpoint] = await sql.query<RowDataPacket[]>(
      'SELECT ROUND(UNIX_TIMESTAMP(MAX(updated_at)) * 1000) AS c, MAX(commit_seq) AS seq FROM hexstream_checkpoint WHERE consumer_group = ?',
      [this.group],
    );
    await sql.query('COMMIT');
    this.polls++;
    const seq = Number(checkpoint[0]?.seq);
    if (this.producing && Number.isFinite(seq)) this.triggers.push([Date.now(), seq]);
    const first = rows[0];
    if (first === undefined) return;
    this.newest = String(first.u);
    for (const r of rows)
      this.samples.push({
        rowkey: String(r.rowkey),
        orders: Number(r.n),
        eventMs: Number(r.ev),
        updatedMs: Number(r.up),
      });
    // The newest rows belong to the newest committed trigger, whose checkpoint row is the newest; while
    // orders keep coming every trigger has rows, so the pair is one trigger's (after that, empty
    // triggers may move the checkpoint alone).
    const committedMs = Number(checkpoint[0]?.c);
    if (this.producing && Number.isFinite(committedMs) && committedMs >= Number(first.up))
      this.commitLag.push(committedMs - Number(first.up));
  }
}
