import type { StoredCheckpoint, StoredSnapshot } from '../../ports/result-store.port';
import { HexstreamError } from '../hexstream-error';
import type { EngineCheckpoint, PartitionCheckpoint } from './engine-checkpoint';

/** What the stores committed last, as the engine reads it back. */
export interface CommittedState {
  readonly positions: ReadonlyMap<number, number>;
  readonly watermarks: ReadonlyMap<number, number>;
  /** Present when every partition carries a replay point: a restart resumes exactly from it. */
  readonly engine?: EngineCheckpoint;
  readonly snapshots?: readonly StoredSnapshot[];
}

/** The newest format, written by every commit. */
export const ENGINE_STATE_VERSION = 1;

/**
 * One partition's recovery state, the opaque blob the result stores keep beside its position.
 * JSON with a version, so that a store written by an older build keeps working:
 *
 *   v1  {"v":1,"watermark_ms":N|"-inf"|"+inf","replay":{"from":N,"max_event_ms":…,"closed_up_to_ms":…}}
 *       (no "replay": the partition was committed without a replay point; resumes from positions)
 *   v0  {"v":0,"watermark_ms":…,"replay_from":…,"replay_max_event_ms":…,"closed_up_to_ms":…}
 *       the checkpoint columns of schema ≤ 2 (SQL) and the old checkpoint-topic values, folded in
 *       as stored: an instant is epoch ms, NULL for −∞, 9223372036854775807 (BIGINT max) for +∞;
 *       replay_from NULL: no replay point
 *
 * The position itself is not in the blob: stores keep it as a column, for the compare-and-set.
 */
interface PartitionState {
  readonly watermarkMs: number;
  readonly replay?: Omit<PartitionCheckpoint, 'nextPosition' | 'watermarkMs'>;
}

function instantOut(ms: number): number | string {
  if (ms === -Infinity) return '-inf';
  if (ms === Infinity) return '+inf';
  return ms;
}

function instantIn(v: unknown, what: string): number {
  if (v === '-inf') return -Infinity;
  if (v === '+inf') return Infinity;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  throw unreadable(`${what} is not an instant: ${JSON.stringify(v)}`);
}

/** v0 kept what the BIGINT columns held: NULL for −∞, the largest BIGINT (as text or a rounded number) for +∞. */
const BIGINT_MAX = 2 ** 63; // 9223372036854775807 as a double (the nearest one)

function legacyInstant(v: unknown, what: string): number {
  if (v === null || v === undefined) return -Infinity;
  const n = Number(v);
  if (typeof v !== 'number' && typeof v !== 'string') throw unreadable(`${what} is not a number: ${JSON.stringify(v)}`);
  if (!Number.isFinite(n)) throw unreadable(`${what} is not a number: ${JSON.stringify(v)}`);
  return n >= BIGINT_MAX ? Infinity : n;
}

/** A state this build cannot read: corrupt (SINK_WRITE_FAILED), or from a newer build (CONFIG_INVALID, as a newer schema is). */
function unreadable(why: string, code: 'SINK_WRITE_FAILED' | 'CONFIG_INVALID' = 'SINK_WRITE_FAILED'): HexstreamError {
  return new HexstreamError(code, `stored engine state is unreadable: ${why}`);
}

export function encodePartitionState(state: PartitionState): string {
  const r = state.replay;
  const replay =
    r === undefined
      ? {}
      : {
          replay: {
            from: r.replayFrom,
            max_event_ms: instantOut(r.replayMaxEventMs),
            closed_up_to_ms: instantOut(r.closedUpToMs),
          },
        };
  return JSON.stringify({ v: ENGINE_STATE_VERSION, watermark_ms: instantOut(state.watermarkMs), ...replay });
}

export function decodePartitionState(text: string): PartitionState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw unreadable(`not JSON: ${text.slice(0, 200)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw unreadable(`not a JSON object: ${text.slice(0, 200)}`);
  const o = parsed as Record<string, unknown>;
  if (o.v === 1) return decodeV1(o);
  if (o.v === 0) return decodeV0(o);
  throw unreadable(
    `version ${JSON.stringify(o.v)} is unknown to this build (it reads 0 to ${ENGINE_STATE_VERSION}): upgrade hexstream`,
    'CONFIG_INVALID',
  );
}

function decodeV1(o: Record<string, unknown>): PartitionState {
  const watermarkMs = instantIn(o.watermark_ms, 'watermark_ms');
  if (o.replay === undefined) return { watermarkMs };
  const r = o.replay as Record<string, unknown> | null;
  if (typeof r !== 'object' || r === null || !Number.isSafeInteger(r.from))
    throw unreadable(`replay is malformed: ${JSON.stringify(o.replay)}`);
  return {
    watermarkMs,
    replay: {
      replayFrom: Number(r.from),
      replayMaxEventMs: instantIn(r.max_event_ms, 'replay.max_event_ms'),
      closedUpToMs: instantIn(r.closed_up_to_ms, 'replay.closed_up_to_ms'),
    },
  };
}

function decodeV0(o: Record<string, unknown>): PartitionState {
  const watermarkMs = legacyInstant(o.watermark_ms, 'watermark_ms');
  if (o.replay_from === null || o.replay_from === undefined) return { watermarkMs };
  const replayFrom = Number(o.replay_from);
  if (!Number.isSafeInteger(replayFrom))
    throw unreadable(`replay_from is not a position: ${JSON.stringify(o.replay_from)}`);
  return {
    watermarkMs,
    replay: {
      replayFrom,
      replayMaxEventMs: legacyInstant(o.replay_max_event_ms, 'replay_max_event_ms'),
      closedUpToMs: legacyInstant(o.closed_up_to_ms, 'closed_up_to_ms'),
    },
  };
}

/**
 * A trigger's engine state per partition, after checking it agrees with the trigger's positions
 * and watermarks (a disagreement is a bug: better refused than stored).
 */
export function encodeEngineState(
  sequence: number,
  positions: ReadonlyMap<number, number>,
  watermarks: ReadonlyMap<number, number>,
  engine: EngineCheckpoint,
): Map<number, string> {
  const fail = (why: string): never => {
    throw new HexstreamError('SINK_WRITE_FAILED', `trigger ${sequence}: ${why}`);
  };
  for (const p of watermarks.keys()) if (!positions.has(p)) fail(`watermark for partition ${p} without a position`);
  for (const p of engine.partitions.keys())
    if (!positions.has(p)) fail(`engine checkpoint for partition ${p} without a position`);
  const out = new Map<number, string>();
  for (const [p, next] of positions) {
    const watermarkMs = watermarks.get(p) ?? -Infinity;
    if (Number.isNaN(watermarkMs)) fail(`watermark of partition ${p} is not a number`);
    const cp = engine.partitions.get(p);
    if (cp !== undefined && (cp.nextPosition !== next || cp.watermarkMs !== watermarkMs))
      fail(
        `engine checkpoint of partition ${p} (position ${cp.nextPosition}, watermark ${cp.watermarkMs}) disagrees with the trigger (${next}, ${watermarkMs})`,
      );
    if (cp !== undefined && (!Number.isSafeInteger(cp.replayFrom) || cp.replayFrom < 0 || cp.replayFrom > next))
      fail(`replayFrom ${cp.replayFrom} of partition ${p} is not a position at or before ${next}`);
    const replay =
      cp === undefined
        ? undefined
        : { replayFrom: cp.replayFrom, replayMaxEventMs: cp.replayMaxEventMs, closedUpToMs: cp.closedUpToMs };
    out.set(p, encodePartitionState(replay === undefined ? { watermarkMs } : { watermarkMs, replay }));
  }
  return out;
}

/** The committed state a store returned, decoded; `undefined` for a fresh start. */
export function decodeCommitted(stored: StoredCheckpoint | undefined): CommittedState | undefined {
  if (stored === undefined) return undefined;
  const watermarks = new Map<number, number>();
  const partitions = new Map<number, PartitionCheckpoint>();
  let complete = true;
  for (const [p, next] of stored.positions) {
    const text = stored.engineState.get(p);
    if (text === undefined) throw unreadable(`partition ${p} has a position but no state`);
    const state = decodePartitionState(text);
    watermarks.set(p, state.watermarkMs);
    if (state.replay === undefined) complete = false;
    else partitions.set(p, { nextPosition: next, watermarkMs: state.watermarkMs, ...state.replay });
  }
  const snapshots =
    stored.snapshots !== undefined && stored.snapshots.length > 0 ? { snapshots: stored.snapshots } : {};
  // A partition committed without a replay point makes the whole checkpoint positions-only.
  const engine = complete ? { engine: { partitions } } : {};
  return { positions: new Map(stored.positions), watermarks, ...engine, ...snapshots };
}
