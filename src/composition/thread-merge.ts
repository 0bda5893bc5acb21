import { emptyCounters, NO_STATE, type EngineCounters, type StateSize } from '../domain/engine/engine-counters';
import type { RunReport } from '../domain/pipeline/stream-pipeline';
import type { RunReading } from '../ports/run-telemetry.port';

/**
 * How the figures of a run's stream threads add up to the run's. Each thread reads its own
 * partitions with its own engine, so every record is counted by exactly one thread: the counters
 * and the state add up. Per-partition figures are taken from the thread that reported the
 * partition (after a rebalance, the higher watermark: the newer owner's).
 */

export function addCounters(all: readonly EngineCounters[]): EngineCounters {
  const sum = emptyCounters();
  const keys = Object.keys(sum) as Array<keyof EngineCounters>;
  for (const c of all) for (const k of keys) sum[k] += c[k];
  return sum;
}

export function addStates(all: readonly StateSize[]): StateSize {
  return all.reduce(
    (a, b) => ({
      openWindows: a.openWindows + b.openWindows,
      rows: a.rows + b.rows,
      rememberedIds: a.rememberedIds + b.rememberedIds,
    }),
    NO_STATE,
  );
}

function mergeMaps(
  all: ReadonlyArray<ReadonlyMap<number, number>>,
  pick: (a: number, b: number) => number,
): Map<number, number> {
  const out = new Map<number, number>();
  for (const m of all)
    for (const [k, v] of m) {
      const seen = out.get(k);
      out.set(k, seen === undefined ? v : pick(seen, v));
    }
  return new Map([...out].sort(([a], [b]) => a - b));
}

/** The run's reading now, from each thread's latest. */
export function mergeReadings(readings: readonly RunReading[]): RunReading {
  const assigned = [...new Set(readings.flatMap((r) => r.assigned))].sort((a, b) => a - b);
  const owned = new Set(assigned);
  const lag = mergeMaps(
    readings.map((r) => new Map([...r.lag].filter(([p]) => r.assigned.includes(p) || !owned.has(p)))),
    Math.max,
  );
  const rebuilding = readings.find((r) => r.rebuilding !== undefined)?.rebuilding;
  const outages = readings.flatMap((r) => (r.outage === undefined ? [] : [r.outage]));
  const outage = outages.find((o) => o.side === 'sink') ?? outages[0];
  const commits = readings.flatMap((r) => (r.lastCommit === undefined ? [] : [r.lastCommit]));
  const lastCommit = commits.reduce<RunReading['lastCommit']>(
    (a, b) => (a === undefined || b.atMs >= a.atMs ? b : a),
    undefined,
  );
  return {
    nowMs: Math.max(0, ...readings.map((r) => r.nowMs)),
    counters: addCounters(readings.map((r) => r.counters)),
    state: addStates(readings.map((r) => r.state)),
    assigned,
    lag,
    watermarks: mergeMaps(
      readings.map((r) => r.watermarks),
      Math.max,
    ),
    ...(rebuilding !== undefined ? { rebuilding } : {}),
    ...(outage !== undefined ? { outage } : {}),
    // The threads wait out one outage side by side: the longest wait is the run's.
    outageMs: {
      source: Math.max(0, ...readings.map((r) => r.outageMs.source)),
      sink: Math.max(0, ...readings.map((r) => r.outageMs.sink)),
    },
    ...(lastCommit !== undefined ? { lastCommit } : {}),
  };
}

/**
 * The run's report from its threads' reports. The peaks of the state are each thread's peak added
 * (the threads may peak at different times: an upper bound); the peak RSS is the process's, which
 * `peakRssMb` (measured in the process, all threads included) gives.
 */
export function mergeReports(reports: readonly RunReport[], peakRssMb: number): RunReport {
  const first = reports[0];
  if (first === undefined) throw new Error('mergeReports: no thread reported');
  const startedAtMs = Math.min(...reports.map((r) => r.startedAtMs));
  const endedAtMs = Math.max(...reports.map((r) => r.startedAtMs + r.elapsedMs));
  return {
    job: first.job,
    startedAtMs,
    elapsedMs: endedAtMs - startedAtMs,
    counters: addCounters(reports.map((r) => r.counters)),
    state: addStates(reports.map((r) => r.state)),
    peakState: addStates(reports.map((r) => r.peakState)),
    peakRssMb: Math.max(peakRssMb, ...reports.map((r) => r.peakRssMb ?? 0)),
    watermarks: mergeMaps(
      reports.map((r) => r.watermarks),
      Math.max,
    ),
    completed: reports.every((r) => r.completed),
    finalRows: reports.reduce((n, r) => n + r.finalRows, 0),
    openWindowsAtEnd: reports.some((r) => r.openWindowsAtEnd === 'kept') ? 'kept' : 'flushed',
  };
}
