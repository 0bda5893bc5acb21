import { HexstreamError } from '../../domain/hexstream-error';
import type { StoreCommit, StoredCheckpoint } from '../../ports/result-store.port';

/**
 * The checkpoint as both SQL stores keep it (and the Kafka store's checkpoint topic, as JSON with
 * the same fields): one row per (job, group, partition) holding the partition's position — a
 * column, for the compare-and-set that fences a stale instance — and the engine's state for it,
 * opaque text the domain encodes (`engine-state.codec.ts`).
 *
 * Stores of schema version ≤ 2 kept the engine's fields as columns of their own; their migrations
 * fold them into the text as a version-0 state: those columns, as stored, in one JSON object.
 */
export const LEGACY_STATE_COLUMNS = ['watermark_ms', 'replay_from', 'replay_max_event_ms', 'closed_up_to_ms'] as const;

/** A version-0 state from the legacy columns' values, as a driver (or the old topic format) gives them. */
export function legacyState(row: Readonly<Record<string, unknown>>): string {
  const fields: Record<string, unknown> = { v: 0 };
  for (const c of LEGACY_STATE_COLUMNS) fields[c] = row[c] ?? null;
  return JSON.stringify(fields);
}

/** One row of `hexstream_checkpoint` as a driver returns it (numbers may come as strings). */
export type CheckpointRow = Readonly<Record<string, unknown>>;

/** The committed checkpoint of a job and group from its rows (one per partition), or `undefined` for none. */
export function checkpointFromRows(rows: readonly CheckpointRow[]): StoredCheckpoint | undefined {
  if (rows.length === 0) return undefined;
  const positions = new Map<number, number>();
  const engineState = new Map<number, string>();
  for (const r of rows) {
    const p = Number(r.partition_id);
    const next = Number(r.next_position);
    if (!Number.isSafeInteger(next))
      throw new HexstreamError(
        'SINK_WRITE_FAILED',
        `stored position ${String(r.next_position)} of partition ${p} is beyond 2^53`,
      );
    if (typeof r.engine_state !== 'string')
      throw new HexstreamError('SINK_WRITE_FAILED', `stored checkpoint of partition ${p} has no engine state`);
    positions.set(p, next);
    engineState.set(p, r.engine_state);
  }
  return { positions, engineState };
}

/** One partition's row, as the commit gives it. */
export interface PartitionRow {
  readonly partition: number;
  readonly next: number;
  readonly state: string;
}

/**
 * Checks the commit's positions and engine state agree (one state per position), and lays them
 * out per partition in ascending order, so that concurrent writers lock rows in one order.
 */
export function partitionRows(commit: StoreCommit): PartitionRow[] {
  const fail = (why: string): never => {
    throw new HexstreamError('SINK_WRITE_FAILED', `trigger ${commit.sequence}: ${why}`);
  };
  for (const p of commit.engineState.keys())
    if (!commit.positions.has(p)) fail(`engine state for partition ${p} without a position`);
  return [...commit.positions]
    .sort(([a], [b]) => a - b)
    .map(([p, next]) => {
      if (!Number.isInteger(p) || p < 0 || p > 2_147_483_647) fail(`partition ${p} is not an INT`);
      if (!Number.isSafeInteger(next) || next < 0)
        fail(`position ${next} of partition ${p} is not a non-negative integer`);
      const state = commit.engineState.get(p);
      if (state === undefined) return fail(`partition ${p} has a position but no engine state`);
      return { partition: p, next, state };
    });
}
