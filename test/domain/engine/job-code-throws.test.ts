import { ManualClock } from '../../../src/adapters/memory/manual-clock.adapter';
import { MemoryLogger } from '../../../src/adapters/memory/memory-logger.adapter';
import { MemorySink } from '../../../src/adapters/memory/memory-sink.adapter';
import { MemorySource } from '../../../src/adapters/memory/memory-source.adapter';
import type { EngineSettings } from '../../../src/domain/engine/stream-engine';
import { HexstreamError } from '../../../src/domain/hexstream-error';
import type { AnyJob, JobDefinition } from '../../../src/domain/jobs/job';
import { StreamPipeline } from '../../../src/domain/pipeline/stream-pipeline';
import { slidingWindows, tumblingWindows } from '../../../src/domain/windowing/window-spec';
import {
  event,
  figures,
  testJob,
  TestEventStream,
  type TestAcc,
  type TestEvent,
  type TestGroup,
  type Throws,
} from '../../support/event-job';
import { ordersSettings } from '../../support/orders-pipeline';

type Job = JobDefinition<TestEvent, TestGroup, TestAcc>;

const TUMBLING: EngineSettings = { window: tumblingWindows(1_000), watermarkMs: 0, outputMode: 'update' };
const SLIDING: EngineSettings = { window: slidingWindows(3_000, 1_000), watermarkMs: 0, outputMode: 'update' };

/** Id 2 opens key z: every function of the job runs on it (groupFields too). */
const INPUT = [event(1, 'a', 100, 1), event(2, 'z', 200, 10), event(3, 'a', 300, 100), event(4, 'z', 2_500, 1_000)];

function run(job: Job, settings: EngineSettings, input: readonly string[]): TestEventStream {
  const s = new TestEventStream(job, settings);
  s.add(0, input);
  s.fire();
  s.finish();
  return s;
}

const onId2 = (e: TestEvent): boolean => e.id === 2;
const CASES: ReadonlyArray<[string, Throws, string]> = [
  ['decode', { decode: (text) => text.includes('"id":2') }, 'decode failed on a record'],
  ['eventTimeMs', { eventTime: onId2 }, 'eventTimeMs failed on id 2'],
  ['groupKey', { groupKey: onId2 }, 'groupKey failed on id 2'],
  ['groupFields', { groupFields: onId2 }, 'groupFields failed on id 2'],
  ['dedupe.id', { id: onId2 }, 'id failed on id 2'],
  ['combiner.add', { add: (_acc, e) => onId2(e) }, 'add failed on id 2'],
];

describe("a throw of the job's own code on a record", () => {
  it.each(CASES)(
    'from %s makes the record a dead letter error with the message, and changes nothing else',
    (_where, throws, message) => {
      const job = testJob({ dedupe: true, throws });
      const s = new TestEventStream(job, TUMBLING);
      s.add(0, INPUT);
      const first = s.fire();
      expect(first.deadLetters.map((d) => [d.reason, d.detail, d.position, d.raw])).toEqual([
        ['error', message, 1, INPUT[1]],
      ]);
      s.finish();
      const without = run(
        testJob({ dedupe: true }),
        TUMBLING,
        INPUT.filter((_, i) => i !== 1),
      );
      expect(figures(s.table.values())).toEqual(figures(without.table.values()));
      expect(s.engine.stats()).toMatchObject({ read: 4, accepted: 3, error: 1, invalid: 0, late: 0, duplicate: 0 });
      expect(s.engine.watermarks()).toEqual(without.engine.watermarks());
    },
  );

  it('does not advance the watermark: a later record of an earlier window is not late', () => {
    const job = testJob({ throws: { groupKey: onId2 } });
    const s = new TestEventStream(job, TUMBLING);
    s.add(0, [event(1, 'a', 100), event(2, 'a', 90_000), event(3, 'a', 200)]);
    const out = s.fire();
    expect(out.deadLetters.map((d) => d.reason)).toEqual(['error']);
    expect(figures(out.rows)).toEqual(new Map([['a|0|1000', '2/2']]));
  });

  it('leaves every sliding window as without the record when add throws in one of its windows (a combiner that stages)', () => {
    // Id 2 at 1500 goes to [-1000, 2000), [0, 3000) (which hold id 1) and [1000, 4000) (empty): it throws there only.
    const throws: Throws = { add: (acc, e) => e.id === 2 && acc.count === 0 };
    const input = [event(1, 'a', 500, 1), event(2, 'a', 1_500, 10), event(3, 'a', 2_500, 100)];
    const s = run(testJob({ stage: true, throws }), SLIDING, input);
    const without = run(testJob({ stage: true }), SLIDING, [input[0] as string, input[2] as string]);
    expect(figures(s.table.values())).toEqual(figures(without.table.values()));
    expect(figures(s.table.values())).toEqual(
      new Map([
        ['a|-2000|1000', '1/1'],
        ['a|-1000|2000', '1/1'],
        ['a|0|3000', '101/2'],
        ['a|1000|4000', '100/1'],
        ['a|2000|5000', '100/1'],
      ]),
    );
    expect(s.engine.stats()).toMatchObject({ accepted: 2, error: 1 });
  });

  it('stages a record for every window before committing any, and commits each once', () => {
    const input = [event(1, 'a', 500, 1), event(2, 'a', 1_500, 10)];
    const s = run(testJob({ stage: true }), SLIDING, input);
    const fast = run(testJob(), SLIDING, input);
    expect(figures(s.table.values())).toEqual(figures(fast.table.values()));
    expect(figures(s.table.values()).get('a|0|3000')).toBe('11/2');
  });

  it('leaves no empty row when add throws on the record that would open a row (no staging)', () => {
    const s = run(testJob({ throws: { add: (_acc, e) => e.key === 'z' } }), TUMBLING, INPUT);
    expect([...figures(s.table.values()).keys()]).toEqual(['a|0|1000']);
    expect(s.engine.stateSize().openWindows).toBe(0);
  });

  it.each([
    ['a string', 'not today', 'not today'],
    ['an Error without a message', new TypeError(''), 'TypeError'],
    ['a number', 42, '42'],
    [
      "a HexstreamError (the job's, not the engine's)",
      new HexstreamError('CONFIG_INVALID', 'no such field'),
      'no such field',
    ],
    [
      'a value that cannot become text',
      {
        toString: (): string => {
          throw new Error('no');
        },
      },
      'the job threw a value that cannot be shown as text',
    ],
  ])('shows %s that was thrown as text', (_what, value, detail) => {
    const s = new TestEventStream(testJob({ throws: { groupKey: onId2, value: () => value } }), TUMBLING);
    s.add(0, INPUT);
    expect(s.fire().deadLetters.map((d) => [d.reason, d.detail])).toEqual([['error', detail]]);
  });

  it('names the event that threw among those of a record holding several', () => {
    const base = testJob({ throws: { groupKey: onId2 } });
    const job: Job = {
      ...base,
      decodeMany: (text) => ({
        ok: true,
        events: (JSON.parse(text) as string[]).map((e) => JSON.parse(e) as TestEvent),
      }),
    };
    const s = new TestEventStream(job, TUMBLING);
    s.add(0, [JSON.stringify([event(1, 'a', 100, 1), event(2, 'a', 200, 2)])]);
    const out = s.fire();
    expect(out.deadLetters.map((d) => [d.reason, d.detail])).toEqual([
      ['error', '1 of 2 events rejected: error: groupKey failed on id 2'],
    ]);
    expect(figures(out.rows)).toEqual(new Map([['a|0|1000', '1/1']]));
  });

  it('takes a decoding that returns no result (a job in JavaScript) as an error of the job', () => {
    const job: Job = { ...testJob(), decode: () => undefined as unknown as ReturnType<Job['decode']> };
    const s = new TestEventStream(job, TUMBLING);
    s.add(0, [event(1, 'a', 100)]);
    expect(s.fire().deadLetters.map((d) => [d.reason, d.detail])).toEqual([['error', 'decoding returned no result']]);
  });

  it('from decodeMany makes the record a dead letter error', () => {
    const job: Job = {
      ...testJob(),
      decodeMany: () => {
        throw new RangeError('batch too deep');
      },
    };
    const s = new TestEventStream(job, TUMBLING);
    s.add(0, [event(1, 'a', 100)]);
    expect(s.fire().deadLetters.map((d) => [d.reason, d.detail])).toEqual([['error', 'batch too deep']]);
    expect(s.engine.stats()).toMatchObject({ error: 1, accepted: 0 });
  });

  it('reaches the dead-letter store and the run report of a pipeline, which completes', async () => {
    const sink = new MemorySink();
    const job = testJob({ throws: { add: (_acc, e) => e.id === 2 } });
    const report = await new StreamPipeline(
      new MemorySource({ partitions: new Map([[0, INPUT]]) }),
      sink,
      new ManualClock(0, 0),
      new MemoryLogger(),
      ordersSettings({ job: job as AnyJob, window: tumblingWindows(1_000), watermarkMs: 0 }),
    ).run();
    expect(sink.deadLetters.map((d) => [d.reason, d.detail, d.position])).toEqual([['error', 'add failed on id 2', 1]]);
    expect(report.counters).toMatchObject({ read: 4, accepted: 3, error: 1 });
    expect(figures(sink.table.values())).toEqual(
      new Map([
        ['a|0|1000', '101/2'],
        ['z|2000|3000', '1000/1'],
      ]),
    );
  });
});

describe("a throw of the job's row code", () => {
  it('fails the trigger with JOB_FAILED naming the job and the message', () => {
    const s = new TestEventStream(testJob({ throws: { toRow: (acc) => acc.sum === 10 } }), TUMBLING);
    s.add(0, INPUT);
    let failure: unknown;
    try {
      s.fire();
    } catch (e) {
      failure = e;
    }
    expect(failure).toBeInstanceOf(HexstreamError);
    expect((failure as HexstreamError).code).toBe('JOB_FAILED');
    expect((failure as HexstreamError).message).toBe('job events: building a row failed: toRow failed on a record');
  });
});
