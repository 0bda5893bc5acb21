import { HexstreamError } from '../hexstream-error';
import type { EngineCheckpoint } from './engine-checkpoint';
import type { JsonValue } from './state-codec';

/**
 * The engine's whole state at a graceful stop: open windows with their aggregates, remembered ids,
 * and per partition where reading continues. The replay checkpoint alone would make the next run
 * re-read every open window; with this it reads nothing twice:
 *
 *   graceful stop:  last trigger ─▶ commit(rows + checkpoint + snapshot)   one transaction
 *   next start:     snapshot still matches the committed checkpoint and this instance got exactly
 *                   its partitions? ─yes─▶ restore it, read on from nextPosition
 *                                    └no──▶ replay from the checkpoint (another instance committed
 *                                           since, the partitions were split, or the flags changed)
 *
 * Aggregates of different partitions share rows, so a snapshot is all-or-nothing for its set of
 * partitions.
 */
export interface PartitionSnapshot {
  /** Where reading continues. */
  readonly nextPosition: number;
  /** Records before this were committed before (still replaying when stopped); ≤ nextPosition otherwise. */
  readonly replayUntil: number;
  readonly maxEventMs: number;
  readonly ended: boolean;
  /** The committed position and watermark this state goes with (what the checkpoint must still say). */
  readonly committedPosition: number;
  readonly committedWatermarkMs: number;
  /** Windows closed for this partition's records (its checkpoint's `closedUpToMs`). */
  readonly closedUpToMs: number;
  /** Trigger boundaries still useful for later replay checkpoints. */
  readonly boundaries: ReadonlyArray<{ readonly position: number; readonly maxEventMs: number }>;
}

export interface WindowSnapshot {
  readonly startMs: number;
  readonly endMs: number;
  readonly firstPositions: ReadonlyArray<readonly [number, number]>;
  /** [group key, grouping fields, accumulator], the last two encoded by `encodeState`. */
  readonly entries: ReadonlyArray<readonly [string, JsonValue, JsonValue]>;
}

export interface SessionSnapshot {
  readonly key: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly firstPositions: ReadonlyArray<readonly [number, number]>;
  /** Grouping fields and accumulator, encoded by `encodeState`. */
  readonly group: JsonValue;
  readonly acc: JsonValue;
}

export interface IdBucketSnapshot {
  readonly partition: number;
  readonly endMs: number;
  readonly firstPosition: number;
  readonly ids: ReadonlyArray<number | string>;
}

export interface EngineSnapshot {
  readonly format: 2;
  /** Job and settings the state was built with: a run with other flags must not continue it. */
  readonly settings: string;
  readonly closedUpToMs: number;
  readonly partitions: ReadonlyArray<readonly [number, PartitionSnapshot]>;
  readonly windows: readonly WindowSnapshot[];
  readonly ids: readonly IdBucketSnapshot[];
  /** Open session windows (jobs run with a session gap). */
  readonly sessions?: readonly SessionSnapshot[];
}

/**
 * Serialized with JSON. The snapshot's own instants may be ±Infinity and are written as strings;
 * grouping fields and accumulators were encoded by `encodeState`, so they hold no bare infinity.
 */
export function serializeSnapshot(snapshot: EngineSnapshot): string {
  return JSON.stringify(snapshot, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
}

export function parseSnapshot(text: string): EngineSnapshot {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new HexstreamError('INTERNAL', `stored snapshot is not JSON: ${(e as Error).message}`, { cause: e });
  }
  if (typeof parsed !== 'object' || parsed === null) throw malformed('not an object');
  const s = parsed as Record<string, unknown>;
  if (
    s.format !== 2 ||
    typeof s.settings !== 'string' ||
    !Array.isArray(s.partitions) ||
    !Array.isArray(s.windows) ||
    !Array.isArray(s.ids)
  ) {
    throw malformed('unknown format');
  }
  // Only the snapshot's own instants are revived, at the paths where they sit.
  const partitions = s.partitions.map((entry: unknown): [number, PartitionSnapshot] => {
    if (!Array.isArray(entry) || typeof entry[0] !== 'number' || typeof entry[1] !== 'object' || entry[1] === null)
      throw malformed('bad partition');
    const ps = entry[1] as Record<string, unknown>;
    const boundaries = Array.isArray(ps.boundaries) ? ps.boundaries : [];
    return [
      entry[0],
      {
        nextPosition: position(ps.nextPosition),
        replayUntil: position(ps.replayUntil),
        maxEventMs: instant(ps.maxEventMs),
        ended: ps.ended === true,
        committedPosition: position(ps.committedPosition),
        committedWatermarkMs: instant(ps.committedWatermarkMs),
        closedUpToMs: instant(ps.closedUpToMs),
        boundaries: boundaries.map((b: unknown) => {
          const o = (typeof b === 'object' && b !== null ? b : {}) as Record<string, unknown>;
          return { position: position(o.position), maxEventMs: instant(o.maxEventMs) };
        }),
      },
    ];
  });
  const sessions = Array.isArray(s.sessions) ? { sessions: s.sessions as SessionSnapshot[] } : {};
  return {
    format: 2,
    settings: s.settings,
    closedUpToMs: instant(s.closedUpToMs),
    partitions,
    // A global window spans ±Infinity, written as strings like the other instants.
    windows: (s.windows as WindowSnapshot[]).map((w) => ({
      ...w,
      startMs: instant(w.startMs),
      endMs: instant(w.endMs),
    })),
    ids: s.ids as IdBucketSnapshot[],
    ...sessions,
  };
}

function malformed(why: string): HexstreamError {
  return new HexstreamError('INTERNAL', `stored snapshot is malformed: ${why}`);
}

function position(v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw malformed(`position ${String(v)}`);
  return v;
}

function instant(v: unknown): number {
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (typeof v !== 'number') throw malformed(`instant ${String(v)}`);
  return v;
}

/** Same instant as stored: a SQL column keeps whole milliseconds. */
function sameInstant(a: number, b: number): boolean {
  return Math.floor(a) === Math.floor(b);
}

/**
 * Whether `snapshot` can continue exactly where `checkpoint` stands for an instance reading
 * `assigned`: same settings, the same partitions, and nothing committed for them since.
 */
export function snapshotContinues(
  snapshot: EngineSnapshot,
  checkpoint: EngineCheckpoint,
  assigned: readonly number[],
  settings: string,
): boolean {
  if (snapshot.settings !== settings) return false;
  if (snapshot.partitions.length !== assigned.length) return false;
  const mine = new Set(assigned);
  for (const [p, ps] of snapshot.partitions) {
    const cp = checkpoint.partitions.get(p);
    if (!mine.has(p) || cp === undefined) return false;
    if (cp.nextPosition !== ps.committedPosition || !sameInstant(cp.watermarkMs, ps.committedWatermarkMs)) return false;
    if (!sameInstant(cp.closedUpToMs, ps.closedUpToMs)) return false;
  }
  return true;
}
