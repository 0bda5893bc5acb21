import fc from 'fast-check';
import { splitPayload, type SplitMessage } from '../../../src/domain/ingest/feed-formats';
import { FEED_FORMATS, type FeedFormat } from '../../../src/domain/ingest/ingest-settings';
import { UnchangedQuotes } from '../../../src/domain/ingest/unchanged-quotes';
import { decodeOhlcTrade } from '../../../src/domain/jobs/ohlc.job';
import { decodeQuotes } from '../../../src/domain/jobs/quotes';
import { propertyRuns } from '../../support/property-runs';

const T0 = 1_735_689_600_000;
const AT = 1_700_000_000_000;

/** One quote or trade as a feed might send it: valid, or broken in any field. */
interface Element {
  readonly symbol: unknown;
  readonly price: unknown;
  readonly volume: unknown;
  /** Valid times grow with the element's index, so messages must come out in ascending time. */
  readonly ts: unknown;
}

/** Never a valid time (so valid times stay in index order), nor a key or depth that refuses the whole payload. */
const junk = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.double({ min: -1e6, max: 1e6 }),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('a', 'p', 's'), fc.integer(), { maxKeys: 2 }),
);
const element = (i: number): fc.Arbitrary<Element> =>
  fc.record({
    symbol: fc.oneof(fc.constantFrom('AAPL', 'MSFT', 'BINANCE:BTCUSDT', 'BRK.B'), fc.string({ maxLength: 20 }), junk),
    price: fc.oneof(
      fc.integer({ min: 0, max: 10_000_000 }).map((c) => c / 100),
      fc.constant('12.5'),
      fc.double(),
      junk,
    ),
    volume: fc.oneof(fc.nat(1_000_000), fc.constant(0.011467), fc.double({ min: 0, max: 1e6 }), junk),
    ts: fc.oneof(fc.constant(T0 + i * 1000), fc.constant((T0 + i * 1000) / 1000), junk),
  });
const elements = fc
  .integer({ min: 1, max: 12 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => element(i))));

/** An IEX entry's key: the symbol made unique (and never an array index, which objects order first). */
const iexKey = (symbol: unknown, i: number): string =>
  `${typeof symbol === 'string' ? symbol : (JSON.stringify(symbol) ?? 'undefined')}_${i}`;

/** The payload of `format` holding `items`, one element each. */
function payloadOf(format: FeedFormat, items: readonly Element[]): string {
  switch (format) {
    case 'iex-batch':
      return JSON.stringify(
        Object.fromEntries(
          items.map((e, i) => [iexKey(e.symbol, i), { quote: { latestPrice: e.price, latestUpdate: e.ts } }]),
        ),
      );
    case 'finnhub-trades':
      return JSON.stringify({
        type: 'trade',
        data: items.map((e) => ({ s: e.symbol, p: e.price, t: e.ts, v: e.volume })),
      });
    case 'json':
      return JSON.stringify(items);
    case 'jsonl':
      return items.map((e) => JSON.stringify(e)).join('\n');
  }
}

/** The message is what the job reading it accepts, with the same symbol and time; trades only with whole volumes. */
function expectReadByItsJob(m: SplitMessage): void {
  if (m.kind === 'quote') {
    const decoded = decodeQuotes(m.value);
    expect(decoded.ok && decoded.events.map((q) => [q.symbol, q.eventMs])).toEqual([[m.key, m.timestampMs]]);
    return;
  }
  const decoded = decodeOhlcTrade(m.value);
  const volume = (JSON.parse(m.value) as { volume: number }).volume;
  if (Number.isSafeInteger(volume))
    expect(decoded.ok && [decoded.event.symbol, decoded.event.eventMs]).toEqual([m.key, m.timestampMs]);
  else expect(decoded).toEqual({ ok: false, detail: `field "volume" must be a non-negative integer, got ${volume}` });
}

function isPing(text: string): boolean {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'ping';
  } catch {
    return false;
  }
}

describe('splitting payloads', () => {
  it('never throws on any text, and a payload never vanishes unless it is a Finnhub ping', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.json(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
    );
    fc.assert(
      fc.property(text, fc.constantFrom(...FEED_FORMATS), (t, format) => {
        const split = splitPayload(format, { text: t, receivedAtMs: AT });
        const ping = format === 'finnhub-trades' && isPing(t);
        if (!ping) expect(split.messages.length + split.deadLetters.length).toBeGreaterThan(0);
        for (const d of split.deadLetters) expect(d.reason).toBe('invalid');
      }),
      { numRuns: propertyRuns(2000) },
    );
  });

  it('makes every element exactly one message or dead letter, in order, each message read by its job', () => {
    fc.assert(
      fc.property(elements, fc.constantFrom(...FEED_FORMATS), (items, format) => {
        const split = splitPayload(format, { text: payloadOf(format, items), receivedAtMs: AT });
        expect(split.messages.length + split.deadLetters.length).toBe(items.length);
        // IEX quotes without latestUpdate are timed by the arrival, which is not in index order.
        const times = split.messages.map((m) => m.timestampMs).filter((t) => t !== AT);
        expect(times).toEqual([...times].sort((a, b) => a - b));
        split.messages.forEach(expectReadByItsJob);
      }),
      { numRuns: propertyRuns(1000) },
    );
  });

  it('sends every valid element with exactly its values', () => {
    const valid = fc
      .integer({ min: 1, max: 8 })
      .chain((n) =>
        fc.array(
          fc.record({ symbol: fc.constantFrom('AAPL', 'MSFT', 'X'), cents: fc.nat(100_000_000), volume: fc.nat(1000) }),
          { minLength: n, maxLength: n },
        ),
      );
    fc.assert(
      fc.property(valid, fc.constantFrom(...FEED_FORMATS), (rows, format) => {
        const items = rows.map((r, i) => ({
          symbol: r.symbol,
          price: r.cents / 100,
          volume: r.volume,
          ts: T0 + i * 1000,
        }));
        const split = splitPayload(format, { text: payloadOf(format, items), receivedAtMs: AT });
        const trades = format === 'finnhub-trades' || format === 'json' || format === 'jsonl';
        const symbolOf = (e: Element, i: number): string =>
          format === 'iex-batch' ? iexKey(e.symbol, i) : String(e.symbol);
        expect(split.deadLetters).toEqual([]);
        expect(split.messages).toEqual(
          items.map((e, i) => ({
            kind: trades ? 'trade' : 'quote',
            key: symbolOf(e, i),
            value: trades
              ? `{"symbol":"${symbolOf(e, i)}","price":${String(e.price)},"volume":${e.volume},"ts":${e.ts}}`
              : `{"symbol":"${symbolOf(e, i)}","price":${String(e.price)},"ts":${e.ts}}`,
            timestampMs: e.ts,
          })),
        );
      }),
      { numRuns: propertyRuns(500) },
    );
  });
});

describe('dropping unchanged quotes', () => {
  const quotes = fc.array(
    fc.record({ symbol: fc.constantFrom('A', 'B', 'C', 'D', 'E'), ts: fc.constantFrom(T0, T0 + 1, T0 + 2) }),
    { maxLength: 60 },
  );
  const asMessages = (qs: ReadonlyArray<{ symbol: string; ts: number }>): SplitMessage[] =>
    qs.map((q) => ({ kind: 'quote', key: q.symbol, value: q.symbol, timestampMs: q.ts }));

  it('drops exactly the quotes equal to the last one sent of their symbol, when all symbols are remembered', () => {
    fc.assert(
      fc.property(quotes, fc.integer({ min: 1, max: 4 }), (qs, batches) => {
        const last = new Map<string, number>();
        const expected = qs.filter((q) => {
          const same = last.get(q.symbol) === q.ts;
          last.set(q.symbol, q.ts);
          return !same;
        });
        const filter = new UnchangedQuotes(5);
        const size = Math.ceil(qs.length / batches);
        const kept = [];
        for (let i = 0; i < qs.length; i += size) kept.push(...filter.keep(asMessages(qs.slice(i, i + size))));
        expect(kept).toEqual(expected.map((q) => ({ key: q.symbol, value: q.symbol, timestampMs: q.ts })));
        expect(filter.unchanged()).toBe(qs.length - expected.length);
      }),
      { numRuns: propertyRuns(500) },
    );
  });

  it('with fewer symbols remembered, never drops a changed quote and never remembers more than allowed', () => {
    fc.assert(
      fc.property(quotes, fc.integer({ min: 0, max: 4 }), (qs, max) => {
        const filter = new UnchangedQuotes(max);
        const lastSent = new Map<string, number>();
        let sent = 0;
        for (const q of qs) {
          const kept = filter.keep(asMessages([q]));
          sent += kept.length;
          if (kept.length === 0) expect(lastSent.get(q.symbol)).toBe(q.ts);
          else lastSent.set(q.symbol, q.ts);
          expect(filter.remembered()).toBeLessThanOrEqual(max);
        }
        expect(sent + filter.unchanged()).toBe(qs.length);
      }),
      { numRuns: propertyRuns(500) },
    );
  });
});
