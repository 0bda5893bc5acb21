import {
  decimal,
  defineJob,
  eventTime,
  field,
  globalWindow,
  instant,
  integer,
  json,
  jsonField,
  longText,
  session,
  sliding,
  testJob,
  text,
  tumbling,
  writtenAt,
} from '../../../src/index';
import { durationMs } from '../../../src/domain/sdk/duration';
import { plainCopy } from '../../../src/domain/sdk/plain-copy';

const T0 = 1_735_689_600_000;

describe('durations and windows', () => {
  it('reads durations', () => {
    expect([durationMs('500ms', 'x'), durationMs('10s', 'x'), durationMs('1.5m', 'x'), durationMs('2h', 'x')]).toEqual([
      500, 10_000, 90_000, 7_200_000,
    ]);
    expect(durationMs(250, 'x')).toBe(250);
    expect(() => durationMs('10 days', 'job "j": watermark')).toThrow(
      'job "j": watermark: "10 days" is not a duration (e.g. 500ms, 10s, 1m, 2h)',
    );
    expect(() => durationMs(1.5, 'w')).toThrow('w: 1.5 is not a whole, non-negative number of milliseconds');
  });

  it('builds window specs', () => {
    expect(tumbling('1m')).toEqual({ kind: 'fixed', lengthMs: 60_000, slideMs: 60_000 });
    expect(sliding('2m', '30s')).toEqual({ kind: 'fixed', lengthMs: 120_000, slideMs: 30_000 });
    expect(session('30s')).toEqual({ kind: 'session', gapMs: 30_000 });
    expect(globalWindow()).toEqual({ kind: 'global' });
    expect(() => sliding('1s', '2s')).toThrow('sliding window slide (2000 ms) must not exceed its length (1000 ms)');
    expect(() => tumbling(0)).toThrow('tumbling window length must be longer than 0 ms, got 0');
  });
});

describe('columns', () => {
  it('map to the table schema types', () => {
    expect([text(16), text(32, { fixed: true }), longText(), integer(32), integer(), decimal(20, 2)]).toEqual([
      { type: { kind: 'text', maxLength: 16 } },
      { type: { kind: 'text', maxLength: 32, fixedLength: true } },
      { type: { kind: 'longText' } },
      { type: { kind: 'integer', bits: 32 } },
      { type: { kind: 'integer', bits: 64 } },
      { type: { kind: 'decimal', precision: 20, scale: 2 } },
    ]);
    expect(writtenAt()).toEqual({ type: { kind: 'writtenAt' } });
    expect(() => text(0)).toThrow('text column length must be a positive whole number, got 0');
    expect(() => decimal(4, 5)).toThrow('decimal scale must be a whole number in 0..4, got 5');
  });
});

describe('io', () => {
  it('jsonField keys a record by one of its fields', () => {
    const key = jsonField('symbol');
    expect([key('{"symbol":"AB"}'), key('{"symbol":7}'), key('{"other":1}'), key('nope')]).toEqual([
      'AB',
      '7',
      undefined,
      undefined,
    ]);
  });
});

describe('plainCopy', () => {
  it('copies plain data deeply and shares what it cannot copy', () => {
    const shared = new Date(0);
    const value = { a: [1, { b: 2n }], m: new Map([['k', new Set([1])]]), d: shared };
    const copy = plainCopy(value);
    expect(copy).toEqual(value);
    expect(copy.a).not.toBe(value.a);
    expect(copy.m.get('k')).not.toBe(value.m.get('k'));
    expect(copy.d).toBe(shared);
  });
});

describe('rows: several rows per group', () => {
  it('ranks the top symbols of each window, one row per rank, keyed by the primary key', () => {
    const job = defineJob({
      name: 'top-symbols',
      description: 'the two highest prices of each minute',
      input: json({ fields: { symbol: field.string(), price: field.decimal({ scale: 2 }), ts: field.time('iso') } }),
      time: eventTime('ts'),
      key: [],
      window: tumbling('1m'),
      output: 'append',
      aggregate: (a) => ({ top: a.topN(2, 'price', 'symbol') }),
      table: {
        name: 'top_symbols',
        columns: { window_start: instant(), rank: integer(32), symbol: text(8), price: decimal(12, 2) },
        primaryKey: ['window_start', 'rank'],
      },
      rows: ({ window, agg }) =>
        agg.top.map((t, i) => ({ window_start: window.startMs, rank: i + 1, symbol: t.value, price: t.by })),
    });
    const run = testJob(job);
    const quotes: [string, string][] = [
      ['A', '1.50'],
      ['B', '2.25'],
      ['C', '0.10'],
      ['A', '3.00'],
    ];
    for (const [symbol, price] of quotes)
      run.add({ text: `{"symbol":"${symbol}","price":${price},"ts":"2025-01-01 00:00:30"}` });
    expect(run.finish().rows).toEqual([
      { window_start: T0, rank: 1, symbol: 'A', price: 300 },
      { window_start: T0, rank: 2, symbol: 'B', price: 225 },
    ]);
    const [first] = job.toRows?.({ startMs: T0, endMs: T0 + 60_000 }, {}, job.combiner.create()) ?? [];
    expect(first).toBeUndefined();
    const acc = job.combiner.add(job.combiner.create(), { symbol: 'Z', price: 5, ts: T0 });
    expect(job.toRows?.({ startMs: T0, endMs: T0 + 60_000 }, {}, acc)).toEqual([
      { key: `${T0}|1`, finalAtMs: T0 + 60_000, values: { window_start: T0, rank: 1, symbol: 'Z', price: 5 } },
    ]);
  });
});

describe('a row without a value for a column', () => {
  it('fails the run naming the job and the column', () => {
    const job = defineJob({
      name: 'holes',
      description: 'a row function that leaves a column out at run time',
      input: json({ fields: { k: field.string(), ts: field.time('epoch-ms') } }),
      time: eventTime('ts'),
      key: ['k'],
      window: tumbling('1m'),
      aggregate: (a) => ({ n: a.count() }),
      table: { name: 'holes', columns: { k: text(4), n: integer() }, primaryKey: ['k'] },
      row: ({ key, agg }) => ({ k: key.k, n: agg.n > 0 ? (undefined as unknown as number) : 0 }),
    });
    const run = testJob(job).addEvent({ k: 'a', ts: T0 });
    expect(() => run.trigger()).toThrow('job holes: building a row failed: the row has no value for column "n"');
  });
});
