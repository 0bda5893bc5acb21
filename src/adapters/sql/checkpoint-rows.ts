import type { EngineCheckpoint, PartitionCheckpoint } from '../../domain/engine/engine-checkpoint';
import { HexstreamError } from '../../domain/hexstream-error';
import type { SinkCheckpoint, TriggerCommit } from '../../ports/sink.port';

/**
 * The checkpoint table's rows, as both SQL sinks store them (and the Kafka sink's checkpoint topic,
 * as JSON with the same fields). Instants (watermarks, event times) are epoch ms in a BIGINT; the
 * engine's two infinities get a representation of their own: −∞ (nothing seen yet) is NULL, +∞
 * (partition ended) the largest BIGINT.
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
  let complete = true;
  for (const r of rows) {
    const p = Number(r.partition_id);
    const next = Number(r.next_position);
    if (!Number.isSafeInteger(next))
      throw new HexstreamError(
        'SINK_WRITE_FAILED',
        `stored position ${String(r.next_position)} of partition ${p} is beyond 2^53`,
      );
    const watermarkMs = instantFromSql(r.watermark_ms);
    positions.set(p, next);
    watermarks.set(p, watermarkMs);
    if (r.replay_from === null || r.replay_from === undefined) complete = false;
    else {
      partitions.set(p, {
        nextPosition: next,
        watermarkMs,
        replayFrom: Number(r.replay_from),
        replayMaxEventMs: instantFromSql(r.replay_max_event_ms),
        // Each row keeps what its own writer closed: instances of a group close at different instants.
        closedUpToMs: instantFromSql(r.closed_up_to_ms),
      });
    }
  }
  // A partition committed without an engine checkpoint resumes from positions only.
  return complete ? { positions, watermarks, engine: { partitions } } : { positions, watermarks };
}

/** One partition's row, as the trigger gives it. */
export interface PartitionRow {
  readonly partition: number;
  readonly next: number;
  readonly values: ReadonlyArray<number | string | null>;
}

/**
 * Writes the trigger's positions, watermarks and engine checkpoint with compare-and-set, inside the
 * caller's transaction. `expected` holds, per partition, the position this instance last read or
 * committed:
 *
 *   known partition:  UPDATE … SET next_position = new, … WHERE … AND next_position = expected
 *                     0 rows matched ─▶ another instance moved it: SINK_FENCED
 *   new partition:    INSERT; the row already exists ─▶ another instance created it: SINK_FENCED
 *
 * Partitions are written in ascending order, so concurrent writers lock them in one order.
 */
/**
 * Checks the trigger's positions, watermarks and engine checkpoint agree, and lays them out per
 * partition, in ascending order: `values` are watermark_ms, replay_from, replay_max_event_ms,
 * closed_up_to_ms.
 */
export function partitionRows(trigger: TriggerCommit): PartitionRow[] {
  const engine: EngineCheckpoint = trigger.checkpoint;
  const fail = (why: string): never => {
    throw new HexstreamError('SINK_WRITE_FAILED', `trigger ${trigger.sequence}: ${why}`);
  };
  for (const p of trigger.watermarks.keys())
    if (!trigger.positions.has(p)) fail(`watermark for partition ${p} without a position`);
  for (const p of engine.partitions.keys())
    if (!trigger.positions.has(p)) fail(`engine checkpoint for partition ${p} without a position`);
  return [...trigger.positions]
    .sort(([a], [b]) => a - b)
    .map(([p, next]) => {
      if (!Number.isInteger(p) || p < 0 || p > 2_147_483_647) fail(`partition ${p} is not an INT`);
      if (!Number.isSafeInteger(next) || next < 0)
        fail(`position ${next} of partition ${p} is not a non-negative integer`);
      const watermark = trigger.watermarks.get(p) ?? -Infinity;
      const cp = engine.partitions.get(p);
      if (cp !== undefined && (cp.nextPosition !== next || cp.watermarkMs !== watermark)) {
        fail(
          `engine checkpoint of partition ${p} (position ${cp.nextPosition}, watermark ${cp.watermarkMs}) disagrees with the trigger (${next}, ${watermark})`,
        );
      }
      if (cp !== undefined && (!Number.isSafeInteger(cp.replayFrom) || cp.replayFrom < 0 || cp.replayFrom > next)) {
        fail(`replayFrom ${cp.replayFrom} of partition ${p} is not a position at or before ${next}`);
      }
      const replay =
        cp === undefined
          ? [null, null, null]
          : [
              cp.replayFrom,
              instantToSql(cp.replayMaxEventMs, `replayMaxEventMs of partition ${p}`),
              instantToSql(cp.closedUpToMs, `closedUpToMs of partition ${p}`),
            ];
      return { partition: p, next, values: [instantToSql(watermark, `watermark of partition ${p}`), ...replay] };
    });
}
