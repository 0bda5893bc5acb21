import { ManualClock } from '../../../src/adapters/memory/manual-clock.adapter';
import { MemoryLogger } from '../../../src/adapters/memory/memory-logger.adapter';
import { MemorySink } from '../../../src/adapters/memory/memory-sink.adapter';
import { MemorySource } from '../../../src/adapters/memory/memory-source.adapter';
import { StreamPipeline, type PipelineSettings } from '../../../src/domain/pipeline/stream-pipeline';
import type { StoreCommit } from '../../../src/ports/result-store.port';
import type { SourcePort } from '../../../src/ports/source.port';
import { ms, order } from '../../support/order-lines';
import { ordersSettings, type Partitions } from '../../support/orders-pipeline';
import { pick, RecordingTelemetry, TimedSink } from '../../support/recording-telemetry';

const T0 = ms('00:10:00');
const W = 10_000;

async function run(
  partitions: Partitions,
  sink: MemorySink,
  clock: ManualClock,
  settings: Partial<PipelineSettings>,
): Promise<RecordingTelemetry> {
  const telemetry = new RecordingTelemetry();
  const source = new MemorySource({ partitions, batchSizes: [1] });
  const pipeline = new StreamPipeline(source, sink, clock, new MemoryLogger(), ordersSettings(settings), undefined, {
    telemetry,
    mode: 'test',
    input: 'orders.jsonl',
  });
  await pipeline.run().catch(() => undefined);
  return telemetry;
}

describe('StreamPipeline: what it tells its telemetry', () => {
  it('tells the start, each commit with its duration and freshness, and the end, with exact readings', async () => {
    const clock = new ManualClock(T0, 0);
    const sink = new TimedSink(clock, 25);
    const lines = [
      order({ orderid: 1, itemid: 1, t: '00:00:01' }),
      order({ orderid: 2, itemid: 2, t: '00:00:05' }),
      'not json',
      order({ orderid: 3, itemid: 3, t: '00:00:20' }),
      order({ orderid: 4, itemid: 4, t: '00:00:10' }),
      order({ orderid: 1, itemid: 1, t: '00:00:02' }),
    ];

    const t = await run(new Map([[0, lines]]), sink, clock, { triggerRecords: 2 });

    expect(t.run).toEqual({
      job: 'orders',
      mode: 'test',
      outputMode: 'update',
      table: ordersSettings().job.table,
      input: 'orders.jsonl',
      startedAtMs: T0,
    });
    const none = { source: 0, sink: 0 };
    // Triggers after records 2, 4 and 6; each commit takes 25 ms of the clock, which stands still otherwise.
    // Freshness: the commit's end minus the newest event time read in the trigger (the invalid line has none).
    // Watermark: the newest event time so far less 10 s.
    expect(t.calls).toEqual([
      [
        'runStarted',
        'orders',
        {
          nowMs: T0,
          counts: [0, 0, 0, 0, 0, 0, 0],
          state: { openWindows: 0, rows: 0, rememberedIds: 0 },
          assigned: [0],
          lag: {},
          watermarks: { 0: -Infinity },
          outageMs: none,
        },
      ],
      [
        'committed',
        'orders',
        0,
        { startedAtMs: T0, endedAtMs: T0 + 25, eventToCommitMs: [T0 + 25 - ms('00:00:05')] },
        {
          nowMs: T0 + 25,
          counts: [2, 2, 0, 0, 0, 2, 1],
          state: { openWindows: 1, rows: 2, rememberedIds: 2 },
          assigned: [0],
          lag: {},
          watermarks: { 0: ms('00:00:05') - W },
          outageMs: none,
          lastCommit: { atMs: T0 + 25, ok: true },
        },
      ],
      [
        'committed',
        'orders',
        1,
        { startedAtMs: T0 + 25, endedAtMs: T0 + 50, eventToCommitMs: [T0 + 50 - ms('00:00:20')] },
        {
          nowMs: T0 + 50,
          counts: [4, 3, 1, 0, 0, 3, 2],
          state: { openWindows: 1, rows: 3, rememberedIds: 3 },
          assigned: [0],
          lag: {},
          watermarks: { 0: ms('00:00:20') - W },
          outageMs: none,
          lastCommit: { atMs: T0 + 50, ok: true },
        },
      ],
      [
        'committed',
        'orders',
        2,
        { startedAtMs: T0 + 50, endedAtMs: T0 + 75, eventToCommitMs: [T0 + 75 - ms('00:00:10')] },
        {
          nowMs: T0 + 75,
          counts: [6, 4, 1, 0, 1, 4, 3],
          state: { openWindows: 0, rows: 0, rememberedIds: 0 },
          assigned: [0],
          lag: {},
          watermarks: { 0: Infinity },
          outageMs: none,
          lastCommit: { atMs: T0 + 75, ok: true },
        },
      ],
      [
        'runEnded',
        'orders',
        'completed',
        T0 + 75,
        {
          nowMs: T0 + 75,
          counts: [6, 4, 1, 0, 1, 4, 3],
          state: { openWindows: 0, rows: 0, rememberedIds: 0 },
          assigned: [0],
          lag: {},
          watermarks: { 0: Infinity },
          outageMs: none,
          lastCommit: { atMs: T0 + 75, ok: true },
        },
      ],
    ]);
    // The run is over and reported, yet its figures stay readable (an endpoint lingering after a
    // bounded run serves them): the same as at its end, not counted twice.
    expect(pick(t.reading(), ['counts', 'state'])).toEqual({
      counts: [6, 4, 1, 0, 1, 4, 3],
      state: { openWindows: 0, rows: 0, rememberedIds: 0 },
    });
  });

  it('measures freshness once per partition the trigger moved, from its own newest event', async () => {
    const clock = new ManualClock(T0, 0);
    const partitions = new Map([
      [0, [order({ orderid: 1, t: '00:00:03' }), order({ orderid: 2, t: '00:00:01' })]],
      [1, [order({ orderid: 3, t: '00:00:07' })]],
      [2, ['not json']],
    ]);

    const t = await run(partitions, new TimedSink(clock, 40), clock, {});

    const committed = (t.calls as Array<[string, ...unknown[]]>).filter((c) => c[0] === 'committed');
    // One trigger, at the end of the input; partition 2 read no event, so it has no freshness.
    expect(committed.map((c) => c[3])).toEqual([
      { startedAtMs: T0, endedAtMs: T0 + 40, eventToCommitMs: [T0 + 40 - ms('00:00:03'), T0 + 40 - ms('00:00:07')] },
    ]);
  });

  it('tells a failed commit with its error, then the failed run; readings keep the failure', async () => {
    const clock = new ManualClock(T0, 0);
    const sink = new TimedSink(clock, 25);
    const lines = [order({ orderid: 1, t: '00:00:01' }), order({ orderid: 2, itemid: 2, t: '00:00:02' })];
    const original = sink.commit.bind(sink);
    let commits = 0;
    sink.commit = async (c: StoreCommit): Promise<void> => {
      if (commits++ === 1) sink.failNextCommit(new Error('disk full'));
      return original(c);
    };

    const t = await run(new Map([[0, lines]]), sink, clock, { triggerRecords: 1 });

    const calls = t.calls as Array<[string, ...unknown[]]>;
    expect(calls.map((c) => c[0])).toEqual(['runStarted', 'committed', 'commitFailed', 'runEnded']);
    // The failing commit took its 25 ms too, then failed.
    expect(calls[2]?.slice(1, 4)).toEqual(['orders', 'disk full', T0 + 50]);
    expect((calls[2]?.[4] as Record<string, unknown>)['lastCommit']).toEqual({
      atMs: T0 + 50,
      ok: false,
      error: 'disk full',
    });
    expect(calls[3]?.slice(1, 4)).toEqual(['orders', 'failed', T0 + 50]);
  });

  it('counts the time the sink was unreachable, the outage going on included', async () => {
    const clock = new ManualClock(T0, 0);
    // Down from the second commit on, for 20 s of the clock, which moves only by the backoff waits.
    const sink = new TimedSink(clock, 0, 1, 20_000);
    const t = new RecordingTelemetry();
    const during: unknown[] = [];
    sink.onOpen = () => {
      if (t.run !== undefined) during.push(pick(t.reading(), ['nowMs', 'outage', 'outageMs']));
    };
    const lines = Array.from({ length: 4 }, (_, i) => order({ orderid: i + 1, itemid: i + 1, t: `00:00:0${i + 1}` }));
    const source = new MemorySource({ partitions: new Map([[0, lines]]), batchSizes: [1] });
    const settings = ordersSettings({ triggerRecords: 2, onStop: 'checkpoint', maxOutageMs: 60_000 });
    await new StreamPipeline(source, sink, clock, new MemoryLogger(), settings, undefined, {
      telemetry: t,
      mode: 'prod',
      input: 'topic orders',
    }).run();

    // Attempts after 0.5, 1, 2, 4, 8 and 10 s (see outage.test.ts): the sixth, at 25.5 s, finds it up.
    const outage = { side: 'sink', what: 'cannot reach the database', sinceMs: T0 };
    const waits = [500, 1_500, 3_500, 7_500, 15_500, 25_500];
    expect(during).toEqual(waits.map((w) => ({ nowMs: T0 + w, outage, outageMs: { source: 0, sink: w } })));
    const calls = t.calls as Array<[string, ...unknown[]]>;
    expect(calls.filter((c) => c[0] === 'commitFailed').map((c) => c.slice(1, 4))).toEqual([
      ['orders', 'cannot reach the database', T0],
    ]);
    const end = calls[calls.length - 1];
    expect(end?.slice(0, 4)).toEqual(['runEnded', 'orders', 'completed', T0 + 25_500]);
    expect(pick(end?.[4] as Record<string, unknown>, ['outageMs', 'lastCommit'])).toEqual({
      outageMs: { source: 0, sink: 25_500 },
      lastCommit: { atMs: T0 + 25_500, ok: true },
    });
  });

  it('counts the time the source was unreachable, and shows the lag it reported per partition', async () => {
    const clock = new ManualClock(T0, 0);
    const lines = Array.from({ length: 3 }, (_, i) => order({ orderid: i + 1, itemid: i + 1, t: `00:00:0${i + 1}` }));
    const memory = new MemorySource({ partitions: new Map([[0, lines]]), batchSizes: [1] });
    const t = new RecordingTelemetry();
    const seen: unknown[] = [];
    let polls = 0;
    // Polls 2 to 4 find the broker gone, each 3 s of the clock apart; poll 5 finds it back, 2 records behind.
    const source: SourcePort = {
      open: (from) => memory.open(from),
      acknowledge: (at) => memory.acknowledge(at),
      close: () => memory.close(),
      poll: async (n) => {
        polls++;
        if (t.run !== undefined) seen.push(pick(t.reading(), ['nowMs', 'outage', 'outageMs']));
        if (polls >= 2 && polls <= 4) {
          clock.advance(3_000);
          return { records: [], endedPartitions: [], exhausted: false, unavailable: 'broker down' };
        }
        const batch = await memory.poll(n);
        return polls === 5 ? { ...batch, lag: new Map([[0, 2]]) } : batch;
      },
    };
    await new StreamPipeline(source, new MemorySink(), clock, new MemoryLogger(), ordersSettings(), undefined, {
      telemetry: t,
      mode: 'prod',
      input: 'topic orders',
    }).run();

    const outage = { side: 'source', what: 'broker down', sinceMs: T0 + 3_000 };
    expect(seen.slice(0, 6)).toEqual([
      { nowMs: T0, outageMs: { source: 0, sink: 0 } },
      { nowMs: T0, outageMs: { source: 0, sink: 0 } },
      { nowMs: T0 + 3_000, outage, outageMs: { source: 0, sink: 0 } },
      { nowMs: T0 + 6_000, outage, outageMs: { source: 3_000, sink: 0 } },
      { nowMs: T0 + 9_000, outage, outageMs: { source: 6_000, sink: 0 } },
      { nowMs: T0 + 9_000, outageMs: { source: 6_000, sink: 0 } },
    ]);
    const calls = t.calls as Array<[string, ...unknown[]]>;
    const committed = calls.find((c) => c[0] === 'committed');
    expect(pick(committed?.[4] as Record<string, unknown>, ['outageMs', 'lag'])).toEqual({
      outageMs: { source: 6_000, sink: 0 },
      lag: { 0: 2 },
    });
  });
});
