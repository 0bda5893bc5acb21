import { addCounters, mergeReadings, mergeReports } from '../../src/composition/thread-merge';
import { emptyCounters, type EngineCounters } from '../../src/domain/engine/engine-counters';
import type { RunReport } from '../../src/domain/pipeline/stream-pipeline';
import type { RunReading } from '../../src/ports/run-telemetry.port';

const counters = (over: Partial<EngineCounters>): EngineCounters => ({ ...emptyCounters(), ...over });

function reading(over: Partial<RunReading>): RunReading {
  return {
    nowMs: 0,
    counters: emptyCounters(),
    state: { openWindows: 0, rows: 0, rememberedIds: 0 },
    assigned: [],
    lag: new Map(),
    watermarks: new Map(),
    outageMs: { source: 0, sink: 0 },
    ...over,
  };
}

function report(over: Partial<RunReport>): RunReport {
  return {
    job: 'orders',
    startedAtMs: 0,
    elapsedMs: 0,
    counters: emptyCounters(),
    state: { openWindows: 0, rows: 0, rememberedIds: 0 },
    peakState: { openWindows: 0, rows: 0, rememberedIds: 0 },
    watermarks: new Map(),
    completed: true,
    finalRows: 0,
    openWindowsAtEnd: 'kept',
    ...over,
  };
}

describe('stream threads: figures added up', () => {
  it('adds every counter', () => {
    const sum = addCounters([
      counters({ read: 10, accepted: 7, invalid: 1, late: 1, duplicate: 1, rowsEmitted: 5, triggers: 2, replayed: 4 }),
      counters({ read: 5, accepted: 4, error: 1, rowsEmitted: 3, triggers: 3, stateRows: 9, finalRows: 2 }),
    ]);
    expect(sum).toEqual(
      counters({
        read: 15,
        accepted: 11,
        invalid: 1,
        late: 1,
        duplicate: 1,
        error: 1,
        rowsEmitted: 8,
        triggers: 5,
        replayed: 4,
        stateRows: 9,
        finalRows: 2,
      }),
    );
  });

  it("merges the threads' readings: partitions owned now, their lag, the newest commit, the longest outage", () => {
    const a = reading({
      nowMs: 100,
      counters: counters({ read: 3 }),
      state: { openWindows: 1, rows: 2, rememberedIds: 3 },
      assigned: [2, 0],
      lag: new Map([
        [0, 5],
        [2, 7],
      ]),
      watermarks: new Map([
        [0, 1000],
        [2, 900],
      ]),
      outageMs: { source: 0, sink: 300 },
      lastCommit: { atMs: 90, ok: true },
    });
    const b = reading({
      nowMs: 120,
      counters: counters({ read: 4 }),
      state: { openWindows: 1, rows: 5, rememberedIds: 1 },
      // Partition 2 was this thread's before a rebalance: its figures are the new owner's.
      assigned: [1, 3],
      lag: new Map([
        [1, 1],
        [2, 99],
        [3, 0],
      ]),
      watermarks: new Map([
        [1, 500],
        [2, 800],
        [3, 700],
      ]),
      outageMs: { source: 50, sink: 200 },
      outage: { side: 'sink', what: 'down', sinceMs: 60 },
      rebuilding: 'rebalance',
      lastCommit: { atMs: 110, ok: false, error: 'down' },
    });
    const m = mergeReadings([a, b]);
    expect({ ...m, lag: [...m.lag], watermarks: [...m.watermarks] }).toEqual({
      nowMs: 120,
      counters: counters({ read: 7 }),
      state: { openWindows: 2, rows: 7, rememberedIds: 4 },
      assigned: [0, 1, 2, 3],
      lag: [
        [0, 5],
        [1, 1],
        [2, 7],
        [3, 0],
      ],
      watermarks: [
        [0, 1000],
        [1, 500],
        [2, 900],
        [3, 700],
      ],
      outageMs: { source: 50, sink: 300 },
      outage: { side: 'sink', what: 'down', sinceMs: 60 },
      rebuilding: 'rebalance',
      lastCommit: { atMs: 110, ok: false, error: 'down' },
    });
    expect(mergeReadings([])).toEqual(reading({}));
  });

  it("merges the threads' reports into the run's", () => {
    const merged = mergeReports(
      [
        report({
          startedAtMs: 1000,
          elapsedMs: 5000,
          counters: counters({ read: 10, accepted: 9, invalid: 1 }),
          state: { openWindows: 1, rows: 3, rememberedIds: 9 },
          peakState: { openWindows: 2, rows: 8, rememberedIds: 9 },
          peakRssMb: 200,
          watermarks: new Map([[0, 50]]),
          finalRows: 4,
        }),
        report({
          startedAtMs: 1500,
          elapsedMs: 5500,
          counters: counters({ read: 20, accepted: 19, late: 1 }),
          state: { openWindows: 1, rows: 2, rememberedIds: 19 },
          peakState: { openWindows: 1, rows: 6, rememberedIds: 19 },
          peakRssMb: 210,
          watermarks: new Map([[1, 60]]),
          completed: false,
          finalRows: 6,
          openWindowsAtEnd: 'flushed',
        }),
      ],
      250,
    );
    expect({ ...merged, watermarks: [...merged.watermarks] }).toEqual({
      job: 'orders',
      startedAtMs: 1000,
      elapsedMs: 6000,
      counters: counters({ read: 30, accepted: 28, invalid: 1, late: 1 }),
      state: { openWindows: 2, rows: 5, rememberedIds: 28 },
      peakState: { openWindows: 3, rows: 14, rememberedIds: 28 },
      peakRssMb: 250,
      watermarks: [
        [0, 50],
        [1, 60],
      ],
      completed: false,
      finalRows: 10,
      openWindowsAtEnd: 'kept',
    });
    expect(() => mergeReports([], 1)).toThrow('mergeReports: no thread reported');
  });
});
