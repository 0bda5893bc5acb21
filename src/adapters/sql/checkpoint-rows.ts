import type { PartitionCheckpoint } from '../../domain/engine/engine-checkpoint';
import { HexstreamError } from '../../domain/hexstream-error';
import type { SinkCheckpoint } from '../../ports/sink.port';

/**
 * The checkpoint table's rows, as both SQL sinks store them. Instants (watermarks, event times) are
 * epoch ms in a BIGINT; the engine's two infinities get a representation of their own: −∞ (nothing
 * seen yet) is NULL, +∞ (partition ended) the largest BIGINT.
 */
const PLUS_INFINITY = '9223372036854775807';

export function instantToSql(ms: number, what: string): number | string | null {
  if (ms === -Infinity) return null;
  if (ms === Infinity) return PLUS_INFINITY;
  // Event times are whole milliseconds; flooring keeps a fractional one on the early side.
  if (Number.isFinite(ms)) return Math.floor(ms);
  throw new HexstreamError('SINK_WRITE_FAILED', `${what} is not a number: ${ms}`);
}

export function instantFromSql(v: unknown): number {
  if (v === null || v === undefined) return -Infinity;
  return String(v) === PLUS_INFINITY ? Infinity : Number(v);
}

/** One row of `hexstream_checkpoint` as a driver returns it (numbers may come as strings). */
export type CheckpointRow = Readonly<Record<string, unknown>>;

/** The committed checkpoint of a job and group from its rows (one per partition), or `undefined` for none. */
export function checkpointFromRows(rows: readonly CheckpointRow[]): SinkCheckpoint | undefined {
  if (rows.length === 0) return undefined;
  const positions = new Map<number, number>();
  const watermarks = new Map<number, number>();
  const partitions = new Map<number, PartitionCheckpoint>();
  let closedUpToMs = Infinity;
  let complete = true;
  for (const r of rows) {
    const p = Number(r.partition_id);
    const next = Number(r.next_position);
    if (!Number.isSafeInteger(next)) throw new HexstreamError('SINK_WRITE_FAILED', `stored position ${String(r.next_position)} of partition ${p} is beyond 2^53`);
    const watermarkMs = instantFromSql(r.watermark_ms);
    positions.set(p, next);
    watermarks.set(p, watermarkMs);
    if (r.replay_from === null || r.replay_from === undefined) complete = false;
    else partitions.set(p, { nextPosition: next, watermarkMs, replayFrom: Number(r.replay_from), replayMaxEventMs: instantFromSql(r.replay_max_event_ms) });
    // Instances of one group may have closed windows up to different instants: the earliest is
    // the one no partition's replay goes beyond.
    closedUpToMs = Math.min(closedUpToMs, instantFromSql(r.closed_up_to_ms));
  }
  // A partition committed without an engine checkpoint resumes from positions only.
  return complete ? { positions, watermarks, engine: { partitions, closedUpToMs } } : { positions, watermarks };
}
