import type { PoolClient } from 'pg';
import { HexstreamError } from '../../domain/hexstream-error';
import type { StoreCommit, StoredCheckpoint, StoredSnapshot } from '../../ports/result-store.port';
import { checkpointFromRows, partitionRows } from '../sql/checkpoint-rows';
import { PG_CHECKPOINT_TABLE, PG_SNAPSHOT_TABLE } from './postgres-schema';

export interface PgCheckpointOwner {
  readonly job: string;
  readonly consumerGroup: string;
}

export async function readPgCheckpoint(
  client: PoolClient,
  owner: PgCheckpointOwner,
  withSnapshots: boolean,
): Promise<StoredCheckpoint | undefined> {
  const { rows } = await client.query<Record<string, unknown>>(
    `SELECT partition_id, next_position, engine_state FROM ${PG_CHECKPOINT_TABLE}
      WHERE job = $1 AND consumer_group = $2 ORDER BY partition_id`,
    [owner.job, owner.consumerGroup],
  );
  const checkpoint = checkpointFromRows(rows);
  if (checkpoint === undefined) return undefined;
  if (!withSnapshots) return checkpoint;
  const snaps = await client.query<{ partitions: string; data: Buffer }>(
    `SELECT partitions, data FROM ${PG_SNAPSHOT_TABLE} WHERE job = $1 AND consumer_group = $2`,
    [owner.job, owner.consumerGroup],
  );
  const snapshots: StoredSnapshot[] = snaps.rows.map((s) => ({
    partitions: s.partitions === '' ? [] : s.partitions.split(',').map(Number),
    data: s.data.toString('utf8'),
  }));
  return snapshots.length > 0 ? { ...checkpoint, snapshots } : checkpoint;
}

/**
 * Positions, watermarks and replay points with compare-and-set, in the caller's transaction (see
 * the MySQL sink): an UPDATE that finds another position, or an INSERT that finds the row, means
 * another instance moved the partition — SINK_FENCED.
 */
export async function writePgCheckpoint(
  client: PoolClient,
  owner: PgCheckpointOwner,
  expected: ReadonlyMap<number, number>,
  trigger: StoreCommit,
): Promise<void> {
  for (const { partition: p, next, state } of partitionRows(trigger)) {
    const values = [state, trigger.sequence];
    const before = expected.get(p);
    if (before === undefined) {
      const r = await client.query(
        `INSERT INTO ${PG_CHECKPOINT_TABLE} (job, consumer_group, partition_id, next_position, engine_state, commit_seq)
          VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [owner.job, owner.consumerGroup, p, next, ...values],
      );
      if (r.rowCount === 0) throw fenced(owner, p, undefined);
      continue;
    }
    if (next < before)
      throw new HexstreamError(
        'SINK_WRITE_FAILED',
        `position of partition ${p} would move back from ${before} to ${next}`,
      );
    const r = await client.query(
      `UPDATE ${PG_CHECKPOINT_TABLE} SET next_position = $4, engine_state = $5, commit_seq = $6,
        updated_at = now() WHERE job = $1 AND consumer_group = $2 AND partition_id = $3 AND next_position = $7`,
      [owner.job, owner.consumerGroup, p, next, ...values, before],
    );
    if (r.rowCount === 0) throw fenced(owner, p, before);
  }
  const snapshot = trigger.snapshot;
  if (snapshot !== undefined) {
    const mine = [...snapshot.partitions].sort((a, b) => a - b);
    // Drop every stored snapshot sharing a partition with this one (at most a handful of rows).
    const stored = await client.query<{ partitions: string }>(
      `SELECT partitions FROM ${PG_SNAPSHOT_TABLE} WHERE job = $1 AND consumer_group = $2 FOR UPDATE`,
      [owner.job, owner.consumerGroup],
    );
    for (const s of stored.rows) {
      if (
        s.partitions === mine.join(',') ||
        s.partitions
          .split(',')
          .map(Number)
          .some((p) => mine.includes(p))
      ) {
        await client.query(
          `DELETE FROM ${PG_SNAPSHOT_TABLE} WHERE job = $1 AND consumer_group = $2 AND partitions = $3`,
          [owner.job, owner.consumerGroup, s.partitions],
        );
      }
    }
    await client.query(
      `INSERT INTO ${PG_SNAPSHOT_TABLE} (job, consumer_group, partitions, data) VALUES ($1, $2, $3, $4)`,
      [owner.job, owner.consumerGroup, mine.join(','), Buffer.from(snapshot.data, 'utf8')],
    );
  }
}

function fenced(owner: PgCheckpointOwner, p: number, before: number | undefined): HexstreamError {
  const saw = before === undefined ? 'no checkpoint for it' : `position ${before}`;
  return new HexstreamError(
    'SINK_FENCED',
    `job ${owner.job}, group ${owner.consumerGroup}, partition ${p}: this instance last saw ${saw}, but another instance has since committed it; this commit was rolled back`,
  );
}
