import { defineJob, field, json, eventTime, session, testJob, tumbling, text, integer } from '../../../src/index';
import { T0, tradeBars } from './trade-job';

describe('defineJob', () => {
  it('compiles the table, defaults and io of a spec', () => {
    expect(tradeBars.table).toEqual({
      name: 'trade_bars',
      primaryKey: ['symbol', 'window_start'],
      columns: [
        { name: 'symbol', type: { kind: 'text', maxLength: 8 } },
        { name: 'window_start', type: { kind: 'instant' } },
        { name: 'open', type: { kind: 'double' } },
        { name: 'high', type: { kind: 'double' } },
        { name: 'low', type: { kind: 'double' } },
        { name: 'close', type: { kind: 'double' } },
        { name: 'volume', type: { kind: 'integer', bits: 64 } },
        { name: 'trades', type: { kind: 'integer', bits: 32 } },
        { name: 'avg_price', type: { kind: 'double' } },
        { name: 'updated_at', type: { kind: 'writtenAt' } },
      ],
    });
    expect(tradeBars.defaults).toEqual({
      window: { kind: 'fixed', lengthMs: 60_000, slideMs: 60_000 },
      watermarkMs: 10_000,
      outputMode: 'update',
      sampleFile: 'trades.jsonl',
    });
    expect(tradeBars.io).toEqual({ topic: 'trades', bounded: false, outputMessageKey: 'symbol', faultShare: 0.01 });
    expect(tradeBars.timeDomain).toBe('event');
  });

  it('decodes, keys and times events', () => {
    const d = tradeBars.decode(JSON.stringify({ symbol: 'AB', price: 1.5, volume: 3, ts: T0, extra: true }));
    expect(d).toEqual({ ok: true, event: { symbol: 'AB', price: 1.5, volume: 3, ts: T0 } });
    if (!d.ok) throw new Error('decoded');
    expect(tradeBars.eventTimeMs(d.event)).toBe(T0);
    expect(tradeBars.groupKey(d.event)).toBe('AB');
    expect(tradeBars.groupFields(d.event)).toEqual({ symbol: 'AB' });
    expect(tradeBars.decode('{"symbol":"ab","price":1,"volume":1,"ts":1735689600000}')).toEqual({
      ok: false,
      detail: 'field "symbol" must be a string matching /^[A-Z]+$/, got string "ab"',
    });
  });

  it('aggregates and builds rows keyed by the primary-key values', () => {
    const c = tradeBars.combiner;
    const trades = [
      { symbol: 'AB', price: 3, volume: 1, ts: T0 + 500 },
      { symbol: 'AB', price: 2, volume: 2, ts: T0 + 100 },
      { symbol: 'AB', price: 5, volume: 4, ts: T0 + 500 },
    ];
    const acc = trades.reduce((a, t) => c.add(a, t), c.create());
    const w = { startMs: T0, endMs: T0 + 60_000 };
    expect(tradeBars.rowKey(w, { symbol: 'AB' })).toBe(`AB|${T0}`);
    expect(tradeBars.toRow(w, { symbol: 'AB' }, acc, 'ignored')).toEqual({
      key: `AB|${T0}`,
      finalAtMs: T0 + 60_000,
      // first = earliest time (2 at +100); last = latest time, a tie at +500 goes to the later arrival (5).
      values: {
        symbol: 'AB',
        window_start: T0,
        open: 2,
        high: 5,
        low: 2,
        close: 5,
        volume: 7,
        trades: 3,
        avg_price: 10 / 3,
      },
    });
  });

  it('merges accumulators as adding everything to one does', () => {
    const c = tradeBars.combiner;
    const a = c.add(c.create(), { symbol: 'X', price: 1, volume: 1, ts: T0 + 9 });
    const b = c.add(c.create(), { symbol: 'X', price: 4, volume: 2, ts: T0 + 1 });
    expect(c.extract(c.merge(a, b))).toEqual({ open: 4, high: 4, low: 1, close: 1, volume: 3, trades: 2, avg: 2.5 });
  });

  it('defaults io, watermark, output mode and sample; dedupes by the dedupe field', () => {
    const job = defineJob({
      name: 'clicks',
      description: 'clicks per user',
      input: json({ fields: { id: field.number({ integer: true }), user: field.string(), t: field.time('epoch-ms') } }),
      time: eventTime('t'),
      key: ['user'],
      dedupe: 'id',
      window: session('1m'),
      aggregate: (a) => ({ n: a.count() }),
      table: { name: 'clicks', columns: { user: text(8), n: integer() }, primaryKey: ['user'] },
      row: ({ key, agg }) => ({ user: key.user, n: agg.n }),
    });
    expect(job.io).toEqual({ topic: 'clicks', bounded: false, faultShare: 0.01 });
    expect(job.defaults).toEqual({
      window: { kind: 'session', gapMs: 60_000 },
      watermarkMs: 0,
      outputMode: 'append',
      sampleFile: 'clicks.jsonl',
    });
    expect(job.dedupe?.field).toBe('id');
    const run = testJob(job);
    run
      .addEvent({ id: 1, user: 'u', t: T0 })
      .addEvent({ id: 1, user: 'u', t: T0 + 5 })
      .addEvent({ id: 2, user: 'u', t: T0 + 9 });
    const out = run.finish();
    expect(out.rows).toEqual([{ user: 'u', n: 2 }]);
    expect(out.deadLetters).toEqual([
      {
        reason: 'duplicate',
        detail: 'id 1 was already accepted and a window of it is still open',
        raw: `{"id":1,"user":"u","t":${T0 + 5}}`,
      },
    ]);
  });

  it('refuses a spec that cannot run, naming the job and the field', () => {
    const base = {
      name: 'bad',
      description: 'x',
      input: json({ fields: { a: field.string(), n: field.number(), t: field.time('epoch-s') } }),
      time: eventTime('t'),
      key: ['a'] as const,
      window: tumbling('1s'),
      aggregate: () => ({}),
      table: { name: 't', columns: { a: text(3), b: integer() }, primaryKey: ['a'] },
      row: ({ key }: { key: { a: string } }) => ({ a: key.a, b: 1 }),
    } as const;
    expect(() => defineJob({ ...base, time: eventTime('n') })).toThrow(
      'job "bad": time: event time field "n" must be declared with field.time(…)',
    );
    expect(() => defineJob({ ...base, name: 'has space' })).toThrow('job "has space": name: must be letters');
    expect(() => defineJob({ ...base, output: 'append', window: { kind: 'session', gapMs: 5 } })).not.toThrow();
    expect(() => defineJob({ ...base, output: 'update', window: { kind: 'session', gapMs: 5 } })).toThrow(
      `job "bad": output: session windows need 'append'`,
    );
    expect(() => defineJob({ ...base, key: ['zz' as 'a'] })).toThrow(
      'job "bad": key: "zz" is not a field of the input (fields: a, n, t)',
    );
    const withOptional = json({ fields: { a: field.string({ optional: true }), t: field.time('epoch-s') } });
    expect(() => defineJob({ ...base, input: withOptional as unknown as typeof base.input })).toThrow(
      'job "bad": key: "a" is an optional field: every event needs a value for it',
    );
    expect(() => defineJob({ ...base, aggregate: (ag) => ({ s: ag.sum('a' as 'n') }) })).toThrow(
      'job "bad": aggregate s: sum needs a numeric field, "a" is a string field',
    );
    expect(() => defineJob({ ...base, table: { ...base.table, primaryKey: ['c' as 'a'] } })).toThrow(
      'job "bad": table.primaryKey: "c" is not a column of the table',
    );
  });
});
