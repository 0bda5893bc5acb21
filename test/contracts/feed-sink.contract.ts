import type { FeedDeadLetter, FeedMessage, FeedSinkPort } from '../../src/ports/feed-sink.port';

/** A message as read back from where the sink put it. */
export interface StoredFeedMessage {
  readonly key?: string;
  readonly value: string;
  readonly timestampMs?: number;
}

/** A dead letter as read back. */
export interface StoredFeedDeadLetter {
  readonly reason: string;
  readonly detail: string;
  readonly raw: string;
  readonly receivedAtMs: number;
}

/** A `FeedSinkPort` under test, and how to read back what it made durable, in order. */
export interface FeedSinkUnderTest {
  readonly sink: FeedSinkPort;
  read(): Promise<{ messages: StoredFeedMessage[]; deadLetters: StoredFeedDeadLetter[] }>;
  cleanup(): Promise<void>;
}

export interface FeedSinkCapabilities {
  /**
   * Whether the key and the timestamp are stored beside the value (a topic, memory). The file sink
   * writes the value alone: its `symbol` and `ts` are the key and the timestamp.
   */
  readonly keepsKeyAndTimestamp: boolean;
}

const T0 = Date.UTC(2026, 0, 5, 14, 30, 0);

const M: readonly FeedMessage[] = [
  { key: 'AAPL', value: '{"symbol":"AAPL","price":187.5,"ts":1767623400000}', timestampMs: T0 },
  { key: 'MSFT', value: '{"symbol":"MSFT","price":402.25,"ts":1767623401000}', timestampMs: T0 + 1_000 },
  { key: 'AAPL', value: '{"symbol":"AAPL","price":187.75,"ts":1767623405000}', timestampMs: T0 + 5_000 },
];
const N: readonly FeedMessage[] = [
  {
    key: 'BINANCE:BTCUSDT',
    value: '{"symbol":"BINANCE:BTCUSDT","price":7296.89,"volume":0.011467,"ts":1575526691134}',
    timestampMs: 1575526691134,
  },
];
const D: readonly FeedDeadLetter[] = [
  { reason: 'invalid', detail: 'AAPL: quote.latestPrice is missing', raw: '{"AAPL":{"quote":{}}}', receivedAtMs: T0 },
  { reason: 'status', detail: 'HTTP 500 Internal Server Error', raw: 'oops "東京" 😀\n', receivedAtMs: T0 + 7 },
];

/** The FeedSinkPort contract (src/ports/feed-sink.port.ts), run once per adapter. */
export function describeFeedSinkContract(
  name: string,
  capabilities: FeedSinkCapabilities,
  factory: () => Promise<FeedSinkUnderTest>,
): void {
  async function withSink(body: (t: FeedSinkUnderTest) => Promise<void>): Promise<void> {
    const t = await factory();
    try {
      await body(t);
    } finally {
      await t.cleanup();
    }
  }

  const expected = (messages: readonly FeedMessage[]): StoredFeedMessage[] =>
    messages.map((m) =>
      capabilities.keepsKeyAndTimestamp
        ? { key: m.key, value: m.value, timestampMs: m.timestampMs }
        : { value: m.value },
    );

  describe(`FeedSinkPort contract: ${name}`, () => {
    it('makes every message and dead letter durable once send resolves, in order', async () => {
      await withSink(async (t) => {
        await t.sink.open();
        await t.sink.send(M, D);
        const stored = await t.read();
        expect(stored.messages).toEqual(expected(M));
        expect(stored.deadLetters).toEqual(D.map((d) => ({ ...d })));
        await t.sink.close();
      });
    });

    it('keeps the order of several sends, messages alone or dead letters alone', async () => {
      await withSink(async (t) => {
        await t.sink.open();
        await t.sink.send(M.slice(0, 2), []);
        await t.sink.send([], D.slice(0, 1));
        await t.sink.send([], []);
        await t.sink.send([...M.slice(2), ...N], D.slice(1));
        await t.sink.close();
        const stored = await t.read();
        expect(stored.messages).toEqual(expected([...M, ...N]));
        expect(stored.deadLetters).toEqual(D.map((d) => ({ ...d })));
      });
    });

    it('holds nothing after a run that sent nothing', async () => {
      await withSink(async (t) => {
        await t.sink.open();
        await t.sink.close();
        expect(await t.read()).toEqual({ messages: [], deadLetters: [] });
      });
    });
  });
}
