import { defineJob, double, eventTime, instant, text, tumbling, writtenAt } from '../sdk';
import { jsonStringField } from './message-key';
import { decodeQuote, decodeQuotes } from './quotes';
import { topPriceGenerator } from './top-price.generator';
import { validatedManyBy } from './validated-input';

export { decodeQuote };

/**
 * The highest quote of each tumbling 5-minute window (after a Beam/Dataflow project): one row per
 * window, `window_end, symbol, price`, the symbol with the highest raw price — on a tie the
 * alphabetically first symbol, so the row does not depend on arrival order. Quotes are read as
 * `top-averages` reads them (`quotes.ts`): `{symbol, price, ts}` or IEX batch quotes of one or more
 * symbols, timed by `latestUpdate` or the record's arrival.
 *
 * Every quote of a window feeds one row, whatever its symbol: in prod, run one instance per topic
 * (the instance reads all partitions), since two instances would each write the top of their own
 * partitions under the same `window_end`.
 */
export const topPriceJob = defineJob({
  name: 'top-price',
  description:
    'The symbol with the highest price in each tumbling 5-minute window, ties to the first symbol (Beam/Dataflow)',
  input: validatedManyBy(decodeQuotes),
  time: eventTime('eventMs'),
  // All quotes of a window form one group: the row has no grouping fields.
  key: [],
  window: tumbling('5m'),
  // 30 s: quotes of several feeds arrive some seconds out of order; a window is final 5.5 min after it began.
  watermark: '30s',
  output: 'append',
  aggregate: (a) => ({
    // Highest price, then lowest symbol: a total order, so batches and triggers cannot change the winner.
    top: a.topN(1, 'price', 'symbol'),
  }),
  table: {
    name: 'top_price',
    columns: { window_end: instant(), symbol: text(16), price: double(), updated_at: writtenAt() },
    primaryKey: ['window_end'],
  },
  row: ({ window, agg }) => {
    // A row exists only once a quote was added, so the top is set.
    const [top] = agg.top;
    return { window_end: window.endMs, symbol: top?.value ?? '', price: top?.by ?? Number.NaN };
  },
  io: { sample: 'top-price.jsonl', partitionKey: jsonStringField('symbol'), generator: topPriceGenerator },
});

/** The job as the built-in catalog finds it. */
export const job = topPriceJob;
