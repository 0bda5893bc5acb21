import { LiveFeed } from '../../../src/adapters/console/live-feed.adapter';
import { emptyCounters } from '../../../src/domain/engine/engine-counters';
import { ohlcJob } from '../../../src/domain/jobs/ohlc.job';
import { ordersJob } from '../../../src/domain/jobs/orders.job';
import { topAveragesJob } from '../../../src/domain/jobs/top-averages.job';
import type { TriggerCommit } from '../../../src/domain/pipeline/pipeline-output';
import type { ResultRow } from '../../../src/domain/records';
import type { TableSchema } from '../../../src/domain/table-schema';
import type { RunIdentity, RunReading } from '../../../src/ports/run-telemetry.port';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 0);
const MIN = 60_000;

function identity(job: string, table: TableSchema): RunIdentity {
  return { job, mode: 'prod', outputMode: 'update', table, input: 'topic in', startedAtMs: T0 };
}

function reading(nowMs: number, read = 0): RunReading {
  return {
    nowMs,
    counters: { ...emptyCounters(), read },
    state: { openWindows: 0, rows: 0, rememberedIds: 0 },
    assigned: [0],
    lag: new Map(),
    watermarks: new Map(),
    outageMs: { source: 0, sink: 0 },
  };
}

function trigger(rows: readonly ResultRow[]): TriggerCommit {
  return {
    sequence: 0,
    rows,
    deadLetters: [],
    positions: new Map(),
    watermarks: new Map(),
    closedUpToMs: 0,
    checkpoint: { partitions: new Map() },
  };
}

const at = { startedAtMs: T0, endedAtMs: T0 + 5, eventToCommitMs: [] };

function bar(symbol: string, startMs: number, ohlc: [number, number, number, number], volume: number): ResultRow {
  const [open, high, low, close] = ohlc;
  return {
    key: `${symbol}|${startMs}`,
    finalAtMs: startMs + MIN,
    values: { symbol, window_start: startMs, open, high, low, close, volume },
  };
}

function ranked(type: number, windowEnd: number, rank: number, symbol: string, average: number): ResultRow {
  return {
    key: `${type}|${windowEnd}|${rank}`,
    finalAtMs: windowEnd,
    values: { window_end: windowEnd, aggregation_type: type, rank, symbol, average },
  };
}

describe('LiveFeed outputs by job shape', () => {
  it('keeps OHLC bars per symbol: a row of update mode replaces its bar; symbols by name, bars by start', () => {
    const feed = new LiveFeed(() => T0);
    feed.runStarted(identity('ohlc', ohlcJob.table), () => reading(T0));
    feed.committed('ohlc', trigger([bar('MSFT', T0 + MIN, [5, 6, 4, 5.5], 10), bar('AAPL', T0, [1, 2, 1, 2], 3)]), at);
    feed.committed('ohlc', trigger([bar('MSFT', T0, [4, 4.5, 3, 4.25], 7), bar('AAPL', T0, [1, 3, 0.5, 2.5], 8)]), at);
    expect(feed.state().jobs[0]?.lists.bars).toEqual([
      { symbol: 'AAPL', bars: [{ startMs: T0, open: 1, high: 3, low: 0.5, close: 2.5, volume: 8 }] },
      {
        symbol: 'MSFT',
        bars: [
          { startMs: T0, open: 4, high: 4.5, low: 3, close: 4.25, volume: 7 },
          { startMs: T0 + MIN, open: 5, high: 6, low: 4, close: 5.5, volume: 10 },
        ],
      },
    ]);
    expect(feed.state().jobs[0]?.lists.rankings).toBeUndefined();
  });

  it('bounds the bars per symbol (the oldest leave) and the symbols (the least recently updated leave)', () => {
    const feed = new LiveFeed(() => T0, { limits: { symbols: 2, bars: 2 } });
    feed.runStarted(identity('ohlc', ohlcJob.table), () => reading(T0));
    const rows = [0, 1, 2].map((i) => bar('A', T0 + i * MIN, [1, 1, 1, 1], i));
    feed.committed('ohlc', trigger([...rows, bar('B', T0, [2, 2, 2, 2], 1)]), at);
    // A is updated after B: B is the stalest when C comes.
    feed.committed('ohlc', trigger([bar('A', T0 + 2 * MIN, [1, 1, 1, 1], 9), bar('C', T0, [3, 3, 3, 3], 1)]), at);
    const bars = feed.state().jobs[0]?.lists.bars ?? [];
    expect(bars.map((b) => [b.symbol, b.bars.map((x) => [x.startMs - T0, x.volume])])).toEqual([
      [
        'A',
        [
          [MIN, 1],
          [2 * MIN, 9],
        ],
      ],
      ['C', [[0, 1]]],
    ]);
  });

  it('keeps the newest top 3 of each window length, ignoring rows of an older window end', () => {
    const feed = new LiveFeed(() => T0);
    feed.runStarted(identity('top-averages', topAveragesJob.table), () => reading(T0));
    const e1 = T0 + 10_000;
    const e2 = T0 + 20_000;
    feed.committed(
      'top-averages',
      trigger([ranked(1, e1, 1, 'X', 9), ranked(1, e1, 2, 'Y', 8), ranked(5, e1, 1, 'Z', 7), ranked(1, e2, 2, 'Q', 3)]),
      at,
    );
    feed.committed('top-averages', trigger([ranked(1, e2, 1, 'R', 4), ranked(1, e1, 3, 'old', 1)]), at);
    expect(feed.state().jobs[0]?.lists.rankings).toEqual([
      {
        aggregationType: 1,
        windowEndMs: e2,
        ranks: [
          { rank: 1, symbol: 'R', average: 4 },
          { rank: 2, symbol: 'Q', average: 3 },
        ],
      },
      { aggregationType: 5, windowEndMs: e1, ranks: [{ rank: 1, symbol: 'Z', average: 7 }] },
    ]);
    expect(feed.state().jobs[0]?.lists.bars).toBeUndefined();
  });

  it('sends each tick the sample and figures of every job, and the lists only when a commit changed them', () => {
    const feed = new LiveFeed(() => T0 + 999);
    let now = T0;
    feed.runStarted(identity('orders', ordersJob.table), () => reading((now += 1000), now - T0));
    const updates: unknown[] = [];
    const stop = feed.subscribe((u) => updates.push(u));
    const first = feed.tick();
    const second = feed.tick();
    feed.committed('orders', trigger([]), at);
    const third = feed.tick();
    feed.committed('orders', trigger([{ key: 'k', finalAtMs: T0, values: { a: 1 } }]), at);
    const fourth = feed.tick();
    stop();
    feed.tick();
    expect(updates).toEqual([first, second, third, fourth]);
    expect(first.nowMs).toBe(T0 + 999);
    expect(
      [first, second, third, fourth].map((u) => u.jobs.map((j) => [j.sample?.read, j.lists !== undefined])),
    ).toEqual([[[2000, true]], [[3000, false]], [[4000, false]], [[5000, true]]]);
    expect(fourth.jobs[0]?.lists?.rows).toEqual([{ atMs: T0 + 5, key: 'k', values: { a: 1 } }]);
  });

  it('samples a run once more when it ends, then no more; a new run of the job starts afresh', () => {
    const feed = new LiveFeed(() => T0);
    let n = 0;
    feed.runStarted(identity('orders', ordersJob.table), () => reading(T0 + 1000 * n, 10 * n++));
    feed.runEnded('orders', 'completed', T0);
    const ended = feed.tick();
    expect(ended.jobs.map((j) => [j.status, j.sample, j.totals.read])).toEqual([['completed', undefined, 10]]);
    expect(feed.state().jobs[0]?.samples.map((s) => s.read)).toEqual([0, 10]);
    feed.runStarted({ ...identity('orders', ordersJob.table), startedAtMs: T0 + 5 }, () => reading(T0, 1));
    expect(feed.state().jobs.map((j) => [j.status, j.startedAtMs, j.samples.length])).toEqual([['running', T0 + 5, 1]]);
  });

  it('skips a reading that throws and keeps telling the other listeners when one throws', () => {
    const feed = new LiveFeed(() => T0);
    feed.runStarted(identity('orders', ordersJob.table), () => {
      throw new Error('not ready');
    });
    feed.subscribe(() => {
      throw new Error('client gone');
    });
    const seen: number[] = [];
    feed.subscribe((u) => seen.push(u.jobs.length));
    feed.commitFailed('orders', 'database down', T0 + 7);
    expect(() => feed.tick()).not.toThrow();
    expect(seen).toEqual([1]);
    expect(feed.state().jobs[0]?.samples).toEqual([]);
    expect(feed.state().jobs[0]?.lastCommitFailure).toEqual({ atMs: T0 + 7, error: 'database down' });
  });

  it('ignores telemetry of a job it was not told about', () => {
    const feed = new LiveFeed(() => T0);
    feed.committed('nobody', trigger([]), at);
    feed.commitFailed('nobody', 'x', T0);
    feed.runEnded('nobody', 'failed', T0);
    expect(feed.state()).toEqual({ nowMs: T0, sampleEveryMs: 1000, maxSamples: 300, jobs: [] });
  });
});
