import type { Connection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { HexstreamError } from '../../domain/hexstream-error';
import type { SinkCheckpoint, TriggerCommit } from '../../ports/sink.port';
import { CHECKPOINT_TABLE } from './migrations';
import { ER_DUP_ENTRY, errnoOf } from './mysql-errors';

/** Whose checkpoint: one row per (job, consumer group, partition). */
export interface CheckpointOwner {
  readonly job: string;
  readonly consumerGroup: string;
}

/**
 * Watermarks are epoch ms in a BIGINT. The two infinities of the engine get a representation of
 * their own: −∞ (no record yet) is NULL, +∞ (partition ended) is the largest BIGINT.
 */
const ENDED_WATERMARK = '9223372036854775807';

export async function readCheckpoint(connection: Connection, owner: CheckpointOwner): Promise<SinkCheckpoint | undefined> {
  const [rows] = await connection.query<RowDataPacket[]>(
    `SELECT partition_id, next_position, watermark_ms FROM ${CHECKPOINT_TABLE} WHERE job = ? AND consumer_group = ? ORDER BY partition_id`,
    [owner.job, owner.consumerGroup],
  );
  if (rows.length === 0) return undefined;
  const positions = new Map<number, number>();
  const watermarks = new Map<number, number>();
  for (const r of rows) {
    const partition = Number(r.partition_id);
    const next = Number(r.next_position);
    if (!Number.isSafeInteger(next)) throw new HexstreamError('SINK_WRITE_FAILED', `stored position ${String(r.next_position)} of partition ${partition} is beyond 2^53`);
    positions.set(partition, next);
    const w: unknown = r.watermark_ms;
    watermarks.set(partition, w === null ? -Infinity : String(w) === ENDED_WATERMARK ? Infinity : Number(w));
  }
  return { positions, watermarks };
}

/**
 * Writes the trigger's positions and watermarks with compare-and-set, inside the caller's
 * transaction. `expected` holds, per partition, the position this instance last read or committed:
 *
 *   known partition:  UPDATE … SET next_position = new WHERE … AND next_position = expected
 *                     0 rows matched ─▶ another instance moved it: SINK_FENCED
 *   new partition:    INSERT; the row already exists ─▶ another instance created it: SINK_FENCED
 *
 * Partitions are written in ascending order, so concurrent writers lock them in one order.
 */
export async function writeCheckpoint(connection: Connection, owner: CheckpointOwner, expected: ReadonlyMap<number, number>, trigger: TriggerCommit): Promise<void> {
  for (const p of trigger.watermarks.keys()) {
    if (!trigger.positions.has(p)) throw new HexstreamError('SINK_WRITE_FAILED', `trigger ${trigger.sequence} has a watermark for partition ${p} but no position`);
  }
  for (const p of [...trigger.positions.keys()].sort((a, b) => a - b)) {
    const next = trigger.positions.get(p) ?? 0;
    if (!Number.isInteger(p) || p < 0 || p > 2_147_483_647) throw new HexstreamError('SINK_WRITE_FAILED', `partition ${p} is not an INT`);
    if (!Number.isSafeInteger(next) || next < 0) throw new HexstreamError('SINK_WRITE_FAILED', `position ${next} of partition ${p} is not a non-negative integer`);
    const watermark = watermarkValue(trigger.watermarks.get(p) ?? -Infinity, p);
    const before = expected.get(p);
    if (before === undefined) {
      await insertPartition(connection, owner, p, next, watermark, trigger.sequence);
      continue;
    }
    if (next < before) throw new HexstreamError('SINK_WRITE_FAILED', `position of partition ${p} would move back from ${before} to ${next}`);
    const [result] = await connection.query<ResultSetHeader>(
      `UPDATE ${CHECKPOINT_TABLE} SET next_position = ?, watermark_ms = ?, commit_seq = ?, updated_at = CURRENT_TIMESTAMP(3)
        WHERE job = ? AND consumer_group = ? AND partition_id = ? AND next_position = ?`,
      [next, watermark, trigger.sequence, owner.job, owner.consumerGroup, p, before],
    );
    if (result.affectedRows === 0) throw await fenced(connection, owner, p, before);
  }
}

async function insertPartition(connection: Connection, owner: CheckpointOwner, p: number, next: number, watermark: number | string | null, sequence: number): Promise<void> {
  try {
    await connection.query(
      `INSERT INTO ${CHECKPOINT_TABLE} (job, consumer_group, partition_id, next_position, watermark_ms, commit_seq) VALUES (?, ?, ?, ?, ?, ?)`,
      [owner.job, owner.consumerGroup, p, next, watermark, sequence],
    );
  } catch (e) {
    if (errnoOf(e) === ER_DUP_ENTRY) throw await fenced(connection, owner, p, undefined, e);
    throw e;
  }
}

function watermarkValue(w: number, partition: number): number | string | null {
  if (w === -Infinity) return null;
  if (w === Infinity) return ENDED_WATERMARK;
  // Event times are whole milliseconds; flooring keeps a fractional watermark on the safe side.
  if (Number.isFinite(w)) return Math.floor(w);
  throw new HexstreamError('SINK_WRITE_FAILED', `watermark of partition ${partition} is not a number: ${w}`);
}

async function fenced(connection: Connection, owner: CheckpointOwner, p: number, before: number | undefined, cause?: unknown): Promise<HexstreamError> {
  const [rows] = await connection.query<RowDataPacket[]>(
    `SELECT next_position, commit_seq FROM ${CHECKPOINT_TABLE} WHERE job = ? AND consumer_group = ? AND partition_id = ?`,
    [owner.job, owner.consumerGroup, p],
  );
  const now = rows[0] === undefined ? 'no position (deleted)' : `position ${String(rows[0].next_position)}`;
  const saw = before === undefined ? 'no checkpoint for it' : `position ${before}`;
  return new HexstreamError(
    'SINK_FENCED',
    `job ${owner.job}, group ${owner.consumerGroup}, partition ${p}: this instance last saw ${saw}, but another instance has since committed ${now}; ` +
      'this commit was rolled back. Another instance owns the partition now: stop this one, or reopen the sink to resume from the stored checkpoint.',
    cause === undefined ? undefined : { cause },
  );
}
