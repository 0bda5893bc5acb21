import type { Connection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { HexstreamError } from '../../domain/hexstream-error';
import type { StoreCommit, StoredCheckpoint } from '../../ports/result-store.port';
import { checkpointFromRows, partitionRows, type PartitionRow } from '../sql/checkpoint-rows';
import { CHECKPOINT_TABLE } from './migrations';
import { ER_DUP_ENTRY, errnoOf } from './mysql-errors';

/** Whose checkpoint: one row per (job, consumer group, partition). */
export interface CheckpointOwner {
  readonly job: string;
  readonly consumerGroup: string;
}

export async function readCheckpoint(
  connection: Connection,
  owner: CheckpointOwner,
): Promise<StoredCheckpoint | undefined> {
  const [rows] = await connection.query<RowDataPacket[]>(
    `SELECT partition_id, next_position, engine_state FROM ${CHECKPOINT_TABLE}
      WHERE job = ? AND consumer_group = ? ORDER BY partition_id`,
    [owner.job, owner.consumerGroup],
  );
  return checkpointFromRows(rows);
}

export async function writeCheckpoint(
  connection: Connection,
  owner: CheckpointOwner,
  expected: ReadonlyMap<number, number>,
  trigger: StoreCommit,
): Promise<void> {
  for (const row of partitionRows(trigger)) {
    const before = expected.get(row.partition);
    if (before === undefined) {
      await insertPartition(connection, owner, row, trigger.sequence);
      continue;
    }
    if (row.next < before)
      throw new HexstreamError(
        'SINK_WRITE_FAILED',
        `position of partition ${row.partition} would move back from ${before} to ${row.next}`,
      );
    const [result] = await connection.query<ResultSetHeader>(
      `UPDATE ${CHECKPOINT_TABLE} SET next_position = ?, engine_state = ?, commit_seq = ?,
        updated_at = CURRENT_TIMESTAMP(3) WHERE job = ? AND consumer_group = ? AND partition_id = ? AND next_position = ?`,
      [row.next, row.state, trigger.sequence, owner.job, owner.consumerGroup, row.partition, before],
    );
    if (result.affectedRows === 0) throw await fenced(connection, owner, row.partition, before);
  }
}

async function insertPartition(
  connection: Connection,
  owner: CheckpointOwner,
  row: PartitionRow,
  sequence: number,
): Promise<void> {
  try {
    await connection.query(
      `INSERT INTO ${CHECKPOINT_TABLE} (job, consumer_group, partition_id, next_position, engine_state, commit_seq)
        VALUES (?, ?, ?, ?, ?, ?)`,
      [owner.job, owner.consumerGroup, row.partition, row.next, row.state, sequence],
    );
  } catch (e) {
    if (errnoOf(e) === ER_DUP_ENTRY) throw await fenced(connection, owner, row.partition, undefined, e);
    throw e;
  }
}

async function fenced(
  connection: Connection,
  owner: CheckpointOwner,
  p: number,
  before: number | undefined,
  cause?: unknown,
): Promise<HexstreamError> {
  const [rows] = await connection.query<RowDataPacket[]>(
    `SELECT next_position FROM ${CHECKPOINT_TABLE} WHERE job = ? AND consumer_group = ? AND partition_id = ?`,
    [owner.job, owner.consumerGroup, p],
  );
  const now = rows[0] === undefined ? 'deleted it' : `committed position ${String(rows[0].next_position)}`;
  const saw = before === undefined ? 'no checkpoint for it' : `position ${before}`;
  return new HexstreamError(
    'SINK_FENCED',
    `job ${owner.job}, group ${owner.consumerGroup}, partition ${p}: this instance last saw ${saw}, but another instance has since ${now}; ` +
      'this commit was rolled back. Another instance owns the partition now: stop this one, or reopen the sink to resume from the stored checkpoint.',
    cause === undefined ? undefined : { cause },
  );
}
