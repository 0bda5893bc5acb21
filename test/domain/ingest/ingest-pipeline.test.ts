import { MemoryFeedSink } from '../../../src/adapters/memory/feed-memory-sink.adapter';
import { MemoryFeedSource, type ScriptedPoll } from '../../../src/adapters/memory/feed-memory-source.adapter';
import { ManualClock } from '../../../src/adapters/memory/manual-clock.adapter';
import { MemoryLogger } from '../../../src/adapters/memory/memory-logger.adapter';
import { HexstreamError } from '../../../src/domain/hexstream-error';
import { IngestPipeline, SEND_BATCH, STOP_FLUSH_MS } from '../../../src/domain/ingest/ingest-pipeline';
import type { IngestSettings } from '../../../src/domain/ingest/ingest-settings';
import type { FeedPoll } from '../../../src/ports/feed-source.port';

const T0 = 1_735_689_600_000;
const unavailable = (): HexstreamError => new HexstreamError('SINK_UNAVAILABLE', 'broker unreachable');
const settings = (over: Partial<IngestSettings> = {}): IngestSettings => ({
  format: 'jsonl',
  from: 'http://127.0.0.1/quotes',
  to: 'topic quotes',
  progressIntervalMs: 60_000,
  maxPending: 1000,
  maxRemembered: 100,
  ...over,
});
const line = (symbol: string, price: number, ts: number): string => JSON.stringify({ symbol, price, ts });
const lines = (...ls: string[]): FeedPoll => ({ payloads: [{ text: ls.join('\n'), receivedAtMs: T0 }], rejected: [] });
const message = (symbol: string, price: number, ts: number): object => ({
  key: symbol,
  value: line(symbol, price, ts),
  timestampMs: ts,
});

interface Rig {
  readonly clock: ManualClock;
  readonly feed: MemoryFeedSource;
  readonly sink: MemoryFeedSink;
  readonly logger: MemoryLogger;
  readonly pipeline: IngestPipeline;
}

function rig(script: ScriptedPoll[], over: Partial<IngestSettings> = {}, after?: FeedPoll): Rig {
  const clock = new ManualClock(T0);
  const feed = new MemoryFeedSource(script, clock, after);
  const sink = new MemoryFeedSink();
  const logger = new MemoryLogger();
  return { clock, feed, sink, logger, pipeline: new IngestPipeline(feed, sink, clock, logger, settings(over)) };
}
const stopAt = (clock: ManualClock, ms: number): { isStopped: () => boolean } => ({
  isStopped: () => clock.now() >= ms,
});
const logged = (logger: MemoryLogger, message: string): unknown[] =>
  logger.entries.filter((e) => e.message === message).map((e) => e.context);

describe('IngestPipeline', () => {
  it('sends one message per quote in order, drops unchanged quotes, and reports the counts', async () => {
    const r = rig(
      [
        lines(line('A', 1, T0), line('B', 2, T0)),
        lines(line('A', 1, T0), line('B', 2.5, T0 + 10), 'oops'),
        lines(line('A', 1.5, T0 + 20)),
      ],
      { format: 'jsonl' },
    );
    const report = await r.pipeline.run({ isStopped: () => r.feed.played() });
    expect(r.sink.messages).toEqual([
      message('A', 1, T0),
      message('B', 2, T0),
      message('B', 2.5, T0 + 10),
      message('A', 1.5, T0 + 20),
    ]);
    expect(r.sink.deadLetters.map((d) => [d.reason, d.raw])).toEqual([['invalid', 'oops']]);
    expect(report).toEqual({
      startedAtMs: T0,
      elapsedMs: 0,
      counters: { payloads: 3, messages: 4, unchanged: 1, deadLetters: { invalid: 1 } },
    });
    expect([r.feed.opened, r.feed.closed, r.sink.opened, r.sink.closed]).toEqual([true, true, true, true]);
  });

  it("turns the feed's rejections into dead letters with the feed's reason, counted by reason", async () => {
    const rejection = {
      reason: 'status' as const,
      detail: 'HTTP 500 Internal Server Error',
      raw: 'oops',
      receivedAtMs: T0,
    };
    const r = rig([{ payloads: [], rejected: [rejection, { ...rejection, reason: 'too-large', raw: 'x' }] }]);
    const report = await r.pipeline.run({ isStopped: () => r.feed.played() });
    expect(r.sink.deadLetters).toEqual([
      { reason: 'status', detail: 'HTTP 500 Internal Server Error', raw: 'oops', receivedAtMs: T0 },
      { reason: 'too-large', detail: 'HTTP 500 Internal Server Error', raw: 'x', receivedAtMs: T0 },
    ]);
    expect(report.counters.deadLetters).toEqual({ status: 1, 'too-large': 1 });
  });

  it('keeps everything while the sink is unavailable and sends it again, in order, after backoff', async () => {
    const r = rig([lines(line('A', 1, T0), line('B', 1, T0)), lines(line('C', 1, T0)), lines(line('A', 2, T0 + 1))]);
    r.sink.failNext(unavailable(), unavailable(), unavailable());
    // Attempts at T0 (fails), T0+500 (fails), T0+1500 (fails), T0+3500: backoff 0.5 s, 1 s, 2 s.
    await r.pipeline.run(stopAt(r.clock, T0 + 5000));
    expect(r.sink.messages).toEqual([
      message('A', 1, T0),
      message('B', 1, T0),
      message('C', 1, T0),
      message('A', 2, T0 + 1),
    ]);
    expect(r.sink.sends).toEqual([
      [2, 0, false],
      [4, 0, false],
      [4, 0, false],
      [4, 0, true],
    ]);
    expect(logged(r.logger, 'sink unavailable')).toEqual([
      { error: 'broker unreachable', attempt: 1, retryInMs: 500, pending: 2 },
      { error: 'broker unreachable', attempt: 2, retryInMs: 1000, pending: 4 },
      { error: 'broker unreachable', attempt: 3, retryInMs: 2000, pending: 4 },
    ]);
    expect(logged(r.logger, 'sink available again')).toEqual([{ downMs: 3500, pending: 0 }]);
    expect(r.pipeline.reading()).toEqual({
      nowMs: T0 + 5000,
      counters: { payloads: 3, messages: 4, unchanged: 0, deadLetters: {} },
      pending: 0,
      outageMs: { source: 0, sink: 3500 },
    });
  });

  it('stops polling the feed while maxPending items wait, and resumes once the sink took them', async () => {
    const r = rig(
      [lines(line('A', 1, T0), line('B', 1, T0)), lines(line('C', 1, T0), line('D', 1, T0)), lines(line('E', 1, T0))],
      {
        maxPending: 4,
      },
    );
    r.sink.failNext(unavailable(), unavailable(), unavailable());
    await r.pipeline.run(stopAt(r.clock, T0 + 5000));
    // Full from T0 (after the second poll) until the send at T0+3500: no poll in between.
    expect(r.feed.polledAtMs.filter((t) => t > T0 && t < T0 + 3500)).toEqual([]);
    expect(r.feed.polledAtMs.slice(0, 3)).toEqual([T0, T0, T0 + 3500]);
    expect(r.sink.messages.map((m) => m.key)).toEqual(['A', 'B', 'C', 'D', 'E']);
  });

  it("shows the feed's outage in the reading and the progress line while it lasts", async () => {
    const down: FeedPoll = {
      payloads: [],
      rejected: [],
      unavailable: { what: 'HTTP 500 (3 tries)', sinceMs: T0 - 2000 },
    };
    const r = rig([down], { progressIntervalMs: 1000 }, down);
    await r.pipeline.run(stopAt(r.clock, T0 + 1000));
    expect(r.pipeline.reading()).toEqual({
      nowMs: T0 + 1000,
      counters: { payloads: 0, messages: 0, unchanged: 0, deadLetters: {} },
      pending: 0,
      outage: { side: 'source', what: 'HTTP 500 (3 tries)', sinceMs: T0 - 2000 },
      outageMs: { source: 3000, sink: 0 },
    });
    expect(logged(r.logger, 'feed unavailable')).toEqual([{ what: 'HTTP 500 (3 tries)', sinceMs: T0 - 2000 }]);
    expect(logged(r.logger, 'ingest progress')[0]).toEqual({
      payloads: 0,
      messages: 0,
      rate: 0,
      deadLetters: 0,
      unchanged: 0,
      pending: 0,
      outage: 'source HTTP 500 (3 tries) for 3 s',
    });
  });

  it("counts the feed's outage once it ends and logs how long it lasted", async () => {
    const r = rig([]);
    const script: ScriptedPoll[] = [
      { payloads: [], rejected: [], unavailable: { what: 'connection refused', sinceMs: T0 } },
      () => {
        r.clock.advance(4000);
        return lines(line('A', 1, T0));
      },
    ];
    const feed = new MemoryFeedSource(script, r.clock);
    const pipeline = new IngestPipeline(feed, r.sink, r.clock, r.logger, settings());
    await pipeline.run({ isStopped: () => feed.played() });
    expect(logged(r.logger, 'feed available again')).toEqual([{ downMs: 4000 }]);
    expect(pipeline.reading().outageMs).toEqual({ source: 4000, sink: 0 });
    expect(pipeline.reading().outage).toBeUndefined();
    expect(r.sink.messages).toEqual([message('A', 1, T0)]);
  });

  it('logs a progress line every interval with payloads, messages, rate, dead letters, unchanged and pending', async () => {
    const r = rig([lines(line('A', 1, T0), line('B', 2, T0), line('A', 1, T0), '{}')], { progressIntervalMs: 1000 });
    await r.pipeline.run(stopAt(r.clock, T0 + 1000));
    expect(logged(r.logger, 'ingest progress')).toEqual([
      { payloads: 1, messages: 2, rate: 2, deadLetters: 1, unchanged: 1, pending: 0, outage: undefined },
      { payloads: 1, messages: 2, rate: 0, deadLetters: 1, unchanged: 1, pending: 0, outage: undefined },
    ]);
  });

  it('on stop takes what the feed still holds and sends all that is pending, waiting out a short sink outage', async () => {
    const r = rig([lines(line('A', 1, T0))], {}, lines(line('B', 1, T0)));
    r.sink.failNext(unavailable(), unavailable());
    const report = await r.pipeline.run({ isStopped: () => r.feed.played() });
    expect(r.sink.messages).toEqual([message('A', 1, T0), message('B', 1, T0)]);
    expect(report.counters.messages).toBe(2);
    expect(report.elapsedMs).toBe(1500);
    expect([r.feed.closed, r.sink.closed]).toEqual([true, true]);
  });

  it('fails the run with SINK_UNAVAILABLE saying what was not sent when the sink stays down after a stop', async () => {
    const r = rig([lines(line('A', 1, T0), line('B', 1, T0))]);
    r.sink.down = true;
    await expect(r.pipeline.run({ isStopped: () => r.feed.played() })).rejects.toThrow(
      `stopped with 2 messages and dead letters not sent: the sink was unavailable for ${STOP_FLUSH_MS / 1000} s after the stop: broker unreachable`,
    );
    expect(r.pipeline.reading().pending).toBe(2);
    expect([r.feed.closed, r.sink.closed]).toEqual([true, true]);
  });

  it('fails the run with an error of the sink that is not an outage, closing feed and sink', async () => {
    const r = rig([lines(line('A', 1, T0))]);
    r.sink.failNext(new HexstreamError('SINK_WRITE_FAILED', 'message too large'));
    await expect(r.pipeline.run({ isStopped: () => false })).rejects.toThrow('message too large');
    expect([r.feed.closed, r.sink.closed]).toEqual([true, true]);
  });

  it('reads all zeros before it runs', () => {
    const r = rig([]);
    expect(r.pipeline.reading()).toEqual({
      nowMs: T0,
      counters: { payloads: 0, messages: 0, unchanged: 0, deadLetters: {} },
      pending: 0,
      outageMs: { source: 0, sink: 0 },
    });
  });
});

describe('IngestPipeline with more pending than one send takes', () => {
  it('sends them in batches of SEND_BATCH, in arrival order, after an outage', async () => {
    const quotes = Array.from({ length: SEND_BATCH * 2 + 7 }, (_, i) => line(`S${i}`, 1, T0 + i));
    const r = rig([lines(...quotes.slice(0, SEND_BATCH)), lines(...quotes.slice(SEND_BATCH))]);
    r.sink.failNext(unavailable());
    await r.pipeline.run({ isStopped: () => r.feed.played() });
    expect(r.sink.messages.map((m) => m.value)).toEqual(quotes);
    expect(r.sink.sends).toEqual([
      [SEND_BATCH, 0, false],
      [SEND_BATCH, 0, true],
      [SEND_BATCH, 0, true],
      [7, 0, true],
    ]);
  });
});

describe('IngestPipeline progress while the sink does not answer', () => {
  it("logs progress lines from the clock's ticks while a send hangs, and stops ticking at the end", async () => {
    const ticks: Array<() => void> = [];
    let stopped = 0;
    const clock = Object.assign(new ManualClock(T0), {
      every: (_ms: number, tick: () => void): (() => void) => {
        ticks.push(tick);
        return () => void stopped++;
      },
    });
    const feed = new MemoryFeedSource([lines(line('A', 1, T0))], clock);
    const sink = new MemoryFeedSink();
    let release: () => void = () => undefined;
    const hanging = new Promise<void>((resolve) => (release = resolve));
    const send = sink.send.bind(sink);
    sink.send = async (messages, deadLetters): Promise<void> => {
      await hanging;
      return send(messages, deadLetters);
    };
    const logger = new MemoryLogger();
    const pipeline = new IngestPipeline(feed, sink, clock, logger, settings({ progressIntervalMs: 1000 }));
    const run = pipeline.run({ isStopped: () => feed.played() });
    await new Promise((resolve) => setImmediate(resolve));
    clock.advance(1000);
    for (const tick of ticks) tick();
    expect(logged(logger, 'ingest progress')).toEqual([
      { payloads: 1, messages: 0, rate: 0, deadLetters: 0, unchanged: 0, pending: 1, outage: undefined },
    ]);
    release();
    await run;
    expect(sink.messages).toEqual([message('A', 1, T0)]);
    expect([ticks.length, stopped]).toEqual([1, 1]);
  });
});
