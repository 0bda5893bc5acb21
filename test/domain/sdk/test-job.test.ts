import type { Aggregates } from '../../../src/index';
import {
  csv,
  decoder,
  defineJob,
  eventTime,
  field,
  globalWindow,
  instant,
  integer,
  json,
  processingTime,
  reject,
  session,
  testJob,
  text,
  tumbling,
} from '../../../src/index';
import { T0, tradeBars } from './trade-job';

const trade = (symbol: string, price: number, volume: number, ts: number): object => ({ symbol, price, volume, ts });

describe('testJob (event time)', () => {
  it('emits changed rows per trigger, closes windows by the watermark and refuses late events', () => {
    const run = testJob(tradeBars, { watermark: '0s' });
    run.addEvent(trade('AB', 2, 1, T0 + 1_000)).addEvent(trade('AB', 3, 2, T0 + 2_000));
    expect(run.trigger()).toEqual({
      rows: [
        {
          symbol: 'AB',
          window_start: T0,
          open: 2,
          high: 3,
          low: 2,
          close: 3,
          volume: 3,
          trades: 2,
          avg_price: 2.5,
        },
      ],
      deadLetters: [],
    });
    expect(run.trigger()).toEqual({ rows: [], deadLetters: [] });
    run.advanceWatermark(T0 + 60_000).addEvent(trade('AB', 9, 1, T0 + 3_000));
    run.add({ text: 'not json' });
    const t = run.trigger();
    expect(t.rows).toEqual([]);
    expect(t.deadLetters.map((d) => d.reason)).toEqual(['late', 'invalid']);
    expect(t.deadLetters[1]?.raw).toBe('not json');
  });

  it('holds windows open until every partition has passed them', () => {
    const run = testJob(tradeBars, { watermark: '0s', outputMode: 'append' });
    run.addEvent(trade('AB', 1, 1, T0 + 1_000), { partition: 0 });
    run.addEvent(trade('AB', 5, 1, T0 + 2_000), { partition: 1 });
    run.addEvent(trade('AB', 7, 1, T0 + 70_000), { partition: 0 });
    expect(run.trigger().rows).toEqual([]);
    run.addEvent(trade('AB', 4, 1, T0 + 61_000), { partition: 1 });
    expect(run.trigger().rows.map((r) => [r['window_start'], r['open'], r['close'], r['trades']])).toEqual([
      [T0, 1, 5, 2],
    ]);
    expect(run.finish().rows.map((r) => [r['window_start'], r['open'], r['close'], r['trades']])).toEqual([
      [T0 + 60_000, 4, 7, 2],
    ]);
  });

  it('turns a throw of the job code into an error dead letter that changes nothing', () => {
    const job = defineJob({
      name: 'throws',
      description: 'sum of 100 / x',
      input: json({ fields: { k: field.string(), x: field.number(), ts: field.time('epoch-ms') } }),
      time: eventTime('ts'),
      key: ['k'],
      window: tumbling('1m'),
      aggregate: (a) => ({
        n: a.count(),
        inverse: a.sum((e) => {
          if (e.x === 0) throw new Error('x is 0');
          return 100 / e.x;
        }),
      }),
      table: { name: 'inv', columns: { k: text(4), n: integer(), inv: integer() }, primaryKey: ['k'] },
      row: ({ key, agg }) => ({ k: key.k, n: agg.n, inv: agg.inverse }),
    });
    const run = testJob(job);
    run.addEvent({ k: 'a', x: 4, ts: T0 }).addEvent({ k: 'a', x: 0, ts: T0 }).addEvent({ k: 'a', x: 50, ts: T0 });
    const t = run.finish();
    expect(t.rows).toEqual([{ k: 'a', n: 2, inv: 27 }]);
    expect(t.deadLetters).toEqual([{ reason: 'error', detail: 'x is 0', raw: '{"k":"a","x":0,"ts":1735689600000}' }]);
  });
});

describe('testJob (other windows and processing time)', () => {
  const clicks = {
    input: json({ fields: { user: field.string(), ts: field.time('epoch-ms') } }),
    key: ['user'] as const,
    aggregate: (a: Aggregates<{ readonly user: string; readonly ts: number }>) => ({
      n: a.count(),
      from: a.min('ts'),
      to: a.max('ts'),
    }),
    table: {
      name: 'clicks',
      columns: { user: text(8), first_at: instant(), last_at: instant(), clicks: integer() },
      primaryKey: ['user', 'first_at'] as const,
    },
    row: ({ key, agg }: { key: { user: string }; agg: { n: number; from: number; to: number } }) => ({
      user: key.user,
      first_at: agg.from,
      last_at: agg.to,
      clicks: agg.n,
    }),
  };

  it('session windows: one row per burst of a user, written when it closes', () => {
    const job = defineJob({
      ...clicks,
      name: 'sessions',
      description: 'clicks per session',
      time: eventTime('ts'),
      window: session('30s'),
    });
    const run = testJob(job);
    for (const ts of [0, 10_000, 35_000, 100_000]) run.addEvent({ user: 'u', ts: T0 + ts });
    expect(run.trigger().rows).toEqual([{ user: 'u', first_at: T0, last_at: T0 + 35_000, clicks: 3 }]);
    expect(run.finish().rows).toEqual([{ user: 'u', first_at: T0 + 100_000, last_at: T0 + 100_000, clicks: 1 }]);
  });

  it('a global window emits at the end of input', () => {
    const job = defineJob({
      ...clicks,
      name: 'all',
      description: 'all clicks',
      time: eventTime('ts'),
      window: globalWindow(),
      output: 'append',
    });
    const run = testJob(job);
    run
      .addEvent({ user: 'u', ts: T0 + 5 })
      .addEvent({ user: 'u', ts: T0 })
      .advanceWatermark(T0 + 3_600_000);
    expect(run.trigger().rows).toEqual([]);
    expect(run.finish().rows).toEqual([{ user: 'u', first_at: T0, last_at: T0 + 5, clicks: 2 }]);
  });

  it('processing time: records are windowed by the clock, which closes windows as it moves', () => {
    const job = defineJob({
      ...clicks,
      name: 'per-minute',
      description: 'clicks per processing-time minute',
      time: processingTime(),
      window: tumbling('1m'),
      output: 'append',
    });
    const run = testJob(job);
    run.advanceProcessingTime(T0 + 1_000).addEvent({ user: 'u', ts: T0 + 999_000 });
    run.advanceProcessingTime(T0 + 59_000).addEvent({ user: 'u', ts: T0 });
    run.advanceProcessingTime(T0 + 61_000).addEvent({ user: 'u', ts: T0 });
    expect(run.trigger().rows).toEqual([{ user: 'u', first_at: T0, last_at: T0 + 999_000, clicks: 2 }]);
    expect(run.advanceProcessingTime(T0 + 120_000).trigger().rows).toEqual([
      { user: 'u', first_at: T0, last_at: T0, clicks: 1 },
    ]);
  });
});

describe('testJob with csv and custom inputs', () => {
  it('a csv job: values from text, a header line refused as such', () => {
    const job = defineJob({
      name: 'csv-volume',
      description: 'volume per symbol',
      input: csv({
        columns: ['symbol', 'volume', 'ts'],
        fields: { symbol: field.string(), volume: field.number({ integer: true }), ts: field.time('epoch-s') },
        header: true,
      }),
      time: eventTime('ts'),
      key: ['symbol'],
      window: tumbling('1m'),
      aggregate: (a) => ({ volume: a.decimalSum('volume') }),
      table: {
        name: 'vol',
        columns: { symbol: text(8), window_start: instant(), volume: integer() },
        primaryKey: ['symbol', 'window_start'],
      },
      row: ({ window, key, agg }) => ({ symbol: key.symbol, window_start: window.startMs, volume: agg.volume }),
    });
    const run = testJob(job);
    for (const line of ['symbol,volume,ts', 'AB,3,1735689600', 'AB,4,1735689659.5', 'AB,x,1735689600'])
      run.add({ text: line });
    const out = run.finish();
    expect(out.rows).toEqual([{ symbol: 'AB', window_start: T0, volume: 7 }]);
    expect(out.deadLetters.map((d) => d.detail)).toEqual([
      'CSV header line, not an event',
      'field "volume" must be a finite number, got string "x"',
    ]);
  });

  it('a custom decoder timed by arrival: one record, several events', () => {
    const job = defineJob({
      name: 'words',
      description: 'words per minute of arrival',
      input: decoder((text, arrivalMs) =>
        text.includes('!') ? reject('not a word list') : text.split(' ').map((word) => ({ word, at: arrivalMs ?? 0 })),
      ),
      time: (e) => e.at,
      key: ['word'],
      window: tumbling('1m'),
      aggregate: (a) => ({ n: a.count() }),
      table: { name: 'words', columns: { word: text(16), n: integer() }, primaryKey: ['word'] },
      row: ({ key, agg }) => ({ word: key.word, n: agg.n }),
    });
    const run = testJob(job);
    run.add({ text: 'a b a', arrivalMs: T0 }).add({ text: 'hey!', arrivalMs: T0 });
    const out = run.finish();
    expect(out.rows).toEqual([
      { word: 'a', n: 2 },
      { word: 'b', n: 1 },
    ]);
    expect(out.deadLetters).toEqual([{ reason: 'invalid', detail: 'not a word list', raw: 'hey!' }]);
  });
});
