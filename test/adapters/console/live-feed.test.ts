import { LiveFeed } from '../../../src/adapters/console/live-feed.adapter';
import { emptyCounters, type EngineCounters } from '../../../src/domain/engine/engine-counters';
import { ohlcJob } from '../../../src/domain/jobs/ohlc.job';
import { ordersJob } from '../../../src/domain/jobs/orders.job';
import type { TriggerCommit } from '../../../src/domain/pipeline/pipeline-output';
import type { DeadLetter, ResultRow } from '../../../src/domain/records';
import type { TableSchema } from '../../../src/domain/table-schema';
import type { RunIdentity, RunReading } from '../../../src/ports/run-telemetry.port';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);

function identity(job: string, table: TableSchema): RunIdentity {
  return { job, mode: 'prod', outputMode: 'update', table, input: 'topic in', startedAtMs: T0 };
}

function reading(nowMs: number, counters: Partial<EngineCounters>, extra: Partial<RunReading> = {}): RunReading {
  return {
    nowMs,
    counters: { ...emptyCounters(), ...counters },
    state: { openWindows: 0, rows: 0, rememberedIds: 0 },
    assigned: [0, 1],
    lag: new Map(),
    watermarks: new Map(),
    outageMs: { source: 0, sink: 0 },
    ...extra,
  };
}

/** A `read` that gives the scripted readings one after another (the last one again when they run out). */
function script(readings: readonly RunReading[]): () => RunReading {
  let i = 0;
  return () => readings[Math.min(i++, readings.length - 1)] as RunReading;
}

function trigger(rows: readonly ResultRow[], deadLetters: readonly DeadLetter[] = []): TriggerCommit {
  return {
    sequence: 0,
    rows,
    deadLetters,
    positions: new Map(),
    watermarks: new Map(),
    closedUpToMs: 0,
    checkpoint: { partitions: new Map() },
  };
}

function timing(startedAtMs: number, endedAtMs: number, eventToCommitMs: number[] = []) {
  return { startedAtMs, endedAtMs, eventToCommitMs };
}

function letter(position: number, raw = `line ${position}`): DeadLetter {
  return { reason: 'invalid', detail: `bad ${position}`, raw, partition: 0, position };
}

describe('LiveFeed', () => {
  it('samples each run once per tick into exact series: rates per second, state, lag and watermarks', () => {
    const feed = new LiveFeed(() => T0);
    const lag = (a: number, b: number): Map<number, number> =>
      new Map([
        [0, a],
        [1, b],
      ]);
    feed.runStarted(
      identity('orders', ordersJob.table),
      script([
        reading(T0, { read: 0 }),
        reading(T0 + 1000, { read: 500, rowsEmitted: 10 }, { lag: lag(40, 7), watermarks: new Map([[0, T0 - 9000]]) }),
        reading(
          T0 + 3000,
          { read: 1500, rowsEmitted: 12 },
          {
            lag: lag(0, 3),
            watermarks: new Map([
              [0, T0 - 1000],
              [1, -Infinity],
            ]),
            state: { openWindows: 4, rows: 30, rememberedIds: 900 },
          },
        ),
      ]),
    );
    feed.tick();
    feed.tick();
    const samples = feed.state().jobs[0]?.samples;
    const none = { commitMs: null, eventToCommitMs: null };
    expect(samples).toEqual([
      {
        t: T0,
        read: 0,
        rate: null,
        rowsRate: null,
        ...none,
        openWindows: 0,
        stateRows: 0,
        rememberedIds: 0,
        lag: {},
        watermarks: {},
      },
      {
        t: T0 + 1000,
        read: 500,
        rate: 500,
        rowsRate: 10,
        ...none,
        openWindows: 0,
        stateRows: 0,
        rememberedIds: 0,
        lag: { '0': 40, '1': 7 },
        watermarks: { '0': T0 - 9000 },
      },
      // Two seconds later: 1,000 more records is 500 a second; a watermark not set yet is left out.
      {
        t: T0 + 3000,
        read: 1500,
        rate: 500,
        rowsRate: 1,
        ...none,
        openWindows: 4,
        stateRows: 30,
        rememberedIds: 900,
        lag: { '0': 0, '1': 3 },
        watermarks: { '0': T0 - 1000 },
      },
    ]);
  });

  it('keeps the longest commit and the largest event-to-commit latency of each second, none when no commit ended', () => {
    const feed = new LiveFeed(() => T0);
    feed.runStarted(identity('orders', ordersJob.table), () => reading(T0, {}));
    feed.committed('orders', trigger([]), timing(T0, T0 + 40, [900, 1500]));
    feed.committed('orders', trigger([]), timing(T0 + 100, T0 + 125, [2000]));
    feed.tick();
    feed.tick();
    const samples = feed.state().jobs[0]?.samples ?? [];
    expect(samples.map((s) => [s.commitMs, s.eventToCommitMs])).toEqual([
      [null, null],
      [40, 2000],
      [null, null],
    ]);
  });

  it('keeps at most the configured number of samples, the newest', () => {
    const feed = new LiveFeed(() => T0, { limits: { samples: 3 } });
    let n = 0;
    feed.runStarted(identity('orders', ordersJob.table), () => reading(T0 + 1000 * n, { read: 10 * n++ }));
    for (let i = 0; i < 5; i++) feed.tick();
    expect(feed.state().jobs[0]?.samples.map((s) => s.read)).toEqual([30, 40, 50]);
  });

  it('gives totals from the latest reading: each dead-letter reason, rows written, triggers', () => {
    const feed = new LiveFeed(() => T0);
    const counters = {
      read: 100,
      accepted: 80,
      invalid: 9,
      late: 6,
      duplicate: 4,
      error: 1,
      rowsEmitted: 33,
      triggers: 5,
    };
    feed.runStarted(identity('orders', ordersJob.table), () => reading(T0, counters));
    expect(feed.state().jobs[0]?.totals).toEqual({
      read: 100,
      accepted: 80,
      invalid: 9,
      late: 6,
      duplicate: 4,
      error: 1,
      deadLetters: 20,
      rowsWritten: 33,
      triggers: 5,
      replayed: 0,
    });
  });

  it('keeps the latest dead letters and rows, bounded, their text cut to the bound with the full size', () => {
    const feed = new LiveFeed(() => T0, { limits: { deadLetters: 3, rows: 2, text: 5 } });
    feed.runStarted(identity('ohlc', ohlcJob.table), () => reading(T0, {}));
    const bar = (symbol: string, volume: number | bigint): ResultRow => ({
      key: symbol,
      finalAtMs: T0,
      values: { symbol, window_start: T0, open: 1, high: 2, low: 0.5, close: 1.5, volume },
    });
    feed.committed('ohlc', trigger([bar('A', 1)], [letter(1), letter(2)]), timing(T0, T0 + 10));
    feed.committed(
      'ohlc',
      trigger([bar('B', 2n ** 60n), bar('C', 3n)], [letter(3, 'é'.repeat(7)), letter(4, '12345')]),
      timing(T0 + 20, T0 + 30),
    );
    const lists = feed.state().jobs[0]?.lists;
    expect(lists?.deadLetters).toEqual([
      { atMs: T0 + 10, reason: 'invalid', detail: 'bad 2', raw: 'line …', rawBytes: 6, partition: 0, position: 2 },
      { atMs: T0 + 30, reason: 'invalid', detail: 'bad 3', raw: 'ééééé…', rawBytes: 14, partition: 0, position: 3 },
      { atMs: T0 + 30, reason: 'invalid', detail: 'bad 4', raw: '12345', partition: 0, position: 4 },
    ]);
    const values = { window_start: T0, open: 1, high: 2, low: 0.5, close: 1.5 };
    expect(lists?.rows).toEqual([
      { atMs: T0 + 30, key: 'B', values: { symbol: 'B', ...values, volume: '1152921504606846976' } },
      { atMs: T0 + 30, key: 'C', values: { symbol: 'C', ...values, volume: 3 } },
    ]);
  });
});
