import type { LogContext } from '../../ports/logger.port';
import { deadLetterCount, type EngineCounters, type StateSize } from '../engine/engine-counters';
import { formatInstant } from '../engine/format-instant';

/** What the progress line says while a service is unreachable. */
export interface OutageState {
  readonly service: 'sink' | 'source';
  /** When the outage began: the start of the first operation that failed, not when it was noticed. */
  readonly sinceMs: number;
  readonly error: string;
  readonly attempt?: number;
  /** When the next attempt is due (sink outages, waited out with backoff). */
  readonly retryAtMs?: number;
}

/** Everything one progress line shows, read at the instant it is logged. */
export interface ProgressView {
  readonly nowMs: number;
  /** Counters of the whole run: what earlier engines committed plus the current engine's. */
  readonly counters: EngineCounters;
  readonly state: StateSize;
  /** Records waiting per partition this instance owns now, as the source last said. */
  readonly lag: ReadonlyMap<number, number>;
  readonly watermarks: ReadonlyMap<number, number>;
  /** Partitions whose watermark idle time is moving, and by how much so far. */
  readonly idleAdvanced: ReadonlyMap<number, number>;
  /** Set while the state is rebuilt from the last commit: why, and how many records are left to re-read. */
  readonly rebuilding?: { readonly reason: string; readonly left: number };
  /** Set while the pipeline waits for a sink operation that has not returned yet. */
  readonly waiting?: { readonly what: string; readonly sinceMs: number };
  readonly outage?: OutageState;
  readonly memory?: { readonly rssMb: number; readonly heapUsedMb: number };
}

export function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/**
 * Builds progress lines. Rates: `recordsPerSecond` is the rate over the interval since the previous
 * line (what the pipeline does now: 0 while idle or stalled), `averageRecordsPerSecond` the rate
 * since the run started. Both count every record read, re-reads included (the work done).
 */
export class ProgressLine {
  private lastMs: number;
  private lastRecords = 0;

  constructor(private readonly startedAtMs: number) {
    this.lastMs = startedAtMs;
  }

  /** The last line's instant: the next one is due an interval after it. */
  lastLoggedMs(): number {
    return this.lastMs;
  }

  next(view: ProgressView): LogContext {
    const c = view.counters;
    const records = c.read + c.replayed;
    const intervalMs = view.nowMs - this.lastMs;
    const current = intervalMs > 0 ? Math.round(((records - this.lastRecords) * 1000) / intervalMs) : 0;
    this.lastMs = view.nowMs;
    this.lastRecords = records;
    const lag = [...view.lag].sort(([a], [b]) => a - b);
    return {
      recordsPerSecond: current,
      averageRecordsPerSecond: Math.round((records * 1000) / Math.max(1, view.nowMs - this.startedAtMs)),
      read: c.read,
      reread: c.replayed,
      lag: lag.length === 0 ? undefined : lag.reduce((a, [, n]) => a + n, 0),
      lagByPartition: lag.length === 0 ? undefined : lag.map(([p, n]) => `${p}:${n}`).join(' '),
      accepted: c.accepted,
      late: c.late,
      duplicates: c.duplicate,
      ...(c.error > 0 ? { errors: c.error } : {}),
      deadLetters: deadLetterCount(c),
      openWindows: view.state.openWindows,
      stateRows: view.state.rows,
      rememberedIds: view.state.rememberedIds,
      rssMb: view.memory?.rssMb,
      heapUsedMb: view.memory?.heapUsedMb,
      watermarks: [...view.watermarks].map(([p, w]) => `${p}:${formatInstant(w)}`).join(' '),
      idleAdvanced:
        view.idleAdvanced.size === 0
          ? undefined
          : [...view.idleAdvanced].map(([p, ms]) => `${p}:+${seconds(ms)}`).join(' '),
      rebuilding:
        view.rebuilding === undefined
          ? undefined
          : `from the last commit after ${view.rebuilding.reason}: ${view.rebuilding.left} records left to re-read`,
      waiting:
        view.waiting === undefined
          ? undefined
          : `${view.waiting.what} for ${seconds(view.nowMs - view.waiting.sinceMs)}`,
      ...(view.outage === undefined ? {} : outageFields(view.outage, view.nowMs)),
    };
  }
}

function outageFields(outage: OutageState, nowMs: number): LogContext {
  const retry =
    outage.retryAtMs === undefined
      ? ''
      : `, attempt ${outage.attempt ?? 0}, next in ${seconds(Math.max(0, outage.retryAtMs - nowMs))}`;
  return {
    outage: `${outage.service} unavailable for ${seconds(nowMs - outage.sinceMs)}${retry}`,
    outageError: outage.error,
  };
}
