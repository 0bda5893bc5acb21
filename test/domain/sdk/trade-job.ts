import {
  defineJob,
  double,
  eventTime,
  field,
  instant,
  integer,
  json,
  text,
  tumbling,
  writtenAt,
} from '../../../src/domain/sdk';

/** A small SDK job used by the SDK's tests: per-symbol one-minute bars of trades. */
export const tradeBars = defineJob({
  name: 'trade-bars',
  description: 'Per-symbol one-minute bars of trades',
  input: json({
    fields: {
      symbol: field.string({ maxLength: 8, pattern: /^[A-Z]+$/ }),
      price: field.number({ min: 0 }),
      volume: field.number({ integer: true, min: 0 }),
      ts: field.time('epoch-ms'),
    },
  }),
  time: eventTime('ts'),
  key: ['symbol'],
  window: tumbling('1m'),
  watermark: '10s',
  aggregate: (a) => ({
    open: a.first('price'),
    high: a.max('price'),
    low: a.min('price'),
    close: a.last('price'),
    volume: a.decimalSum('volume'),
    trades: a.count(),
    avg: a.mean('price'),
  }),
  table: {
    name: 'trade_bars',
    columns: {
      symbol: text(8),
      window_start: instant(),
      open: double(),
      high: double(),
      low: double(),
      close: double(),
      volume: integer(64),
      trades: integer(32),
      avg_price: double(),
      updated_at: writtenAt(),
    },
    primaryKey: ['symbol', 'window_start'],
  },
  row: ({ window, key, agg }) => ({
    symbol: key.symbol,
    window_start: window.startMs,
    open: agg.open ?? Number.NaN,
    high: agg.high,
    low: agg.low,
    close: agg.close ?? Number.NaN,
    volume: agg.volume,
    trades: agg.trades,
    avg_price: agg.avg,
  }),
  io: { topic: 'trades', outputMessageKey: 'symbol', sample: 'trades.jsonl' },
});

/** 2025-01-01T00:00:00Z. */
export const T0 = 1_735_689_600_000;
