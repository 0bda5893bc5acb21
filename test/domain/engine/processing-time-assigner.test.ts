import { HexstreamError } from '../../../src/domain/hexstream-error';
import { emptyCounters } from '../../../src/domain/engine/engine-counters';
import { FixedWindowAssigner } from '../../../src/domain/engine/fixed-window-assigner';
import { ProcessingTimeAssigner } from '../../../src/domain/engine/processing-time-assigner';
import { tumblingWindows } from '../../../src/domain/windowing/window-spec';
import { event, figures, testJob, TestEventStream, type TestEvent } from '../../support/event-job';

const MINUTE = 60_000;
const processingJob = (): ReturnType<typeof testJob> => testJob({ timeDomain: 'processing' });

describe('ProcessingTimeAssigner', () => {
  it('places an event by the processing time it is given, whatever its own time', () => {
    const job = processingJob();
    const a = new ProcessingTimeAssigner(new FixedWindowAssigner(job, tumblingWindows(MINUTE), 'append'), job.name);
    const ev: TestEvent = { id: 1, key: 'a', t: 999_999_999, v: 2 };
    const t = a.timeOf(ev, 61_000);
    expect(t).toBe(61_000);
    expect(a.assign(t, -Infinity)).toBe(2 * MINUTE);
    a.add(ev, 'a', 0, 0, false);
    expect(figures(a.emit(Infinity, emptyCounters()).rows)).toEqual(new Map([['a|60000|120000', '2/1']]));
  });

  it('refuses to place an event without a processing time (a bug of the caller, not of the record)', () => {
    const job = processingJob();
    const a = new ProcessingTimeAssigner(new FixedWindowAssigner(job, tumblingWindows(MINUTE), 'append'), job.name);
    expect(() => a.timeOf({ id: 1, key: 'a', t: 0, v: 1 }, undefined)).toThrow(
      'job events runs on processing time: no time given',
    );
  });

  it('makes the engine refuse a record of a processing-time job without the time, failing the run', () => {
    const s = new TestEventStream(processingJob(), {
      window: tumblingWindows(MINUTE),
      watermarkMs: 0,
      outputMode: 'append',
    });
    expect(() => s.add(0, [event(1, 'a', 0)])).toThrow(
      new HexstreamError('INTERNAL', 'job events runs on processing time: process() needs the time'),
    );
  });
});

describe('processing-time windows in the engine', () => {
  const stream = (): TestEventStream =>
    new TestEventStream(processingJob(), { window: tumblingWindows(MINUTE), watermarkMs: 0, outputMode: 'append' });

  it('closes a window once the clock passed its end, with or without records', () => {
    const s = stream();
    // Event times far apart and out of order: processing time alone decides.
    s.add(0, [event(1, 'a', 5_000_000, 1), event(2, 'a', 3, 2)], 1_000);
    s.add(1, [event(3, 'a', 0, 4)], 59_999);
    s.engine.advanceProcessingTime(59_999);
    expect(s.fire().rows).toEqual([]);
    s.engine.advanceProcessingTime(60_000);
    expect(figures(s.fire().rows)).toEqual(new Map([['a|0|60000', '7/3']]));
    s.add(0, [event(4, 'a', 0, 8)], 61_000);
    s.engine.advanceProcessingTime(125_000);
    expect(figures(s.fire().rows)).toEqual(new Map([['a|60000|120000', '8/1']]));
  });

  it('takes a record as late when its window closed before it was processed', () => {
    const s = stream();
    s.engine.addPartitions([0]);
    s.engine.advanceProcessingTime(120_000);
    s.fire();
    s.add(0, [event(1, 'a', 0)], 90_000);
    expect(s.fire().deadLetters.map((d) => [d.reason, d.detail])).toEqual([
      [
        'late',
        'processing time 1970-01-01T00:01:30.000Z is behind watermark 1970-01-01T00:02:00.000Z of partition 0: window [1970-01-01T00:01:00.000Z, 1970-01-01T00:02:00.000Z) is closed',
      ],
    ]);
  });

  it('leaves event-time engines alone: advanceProcessingTime moves no watermark of theirs', () => {
    const s = new TestEventStream(testJob(), { window: tumblingWindows(MINUTE), watermarkMs: 0, outputMode: 'append' });
    s.add(0, [event(1, 'a', 1_000)]);
    s.engine.advanceProcessingTime(10 * MINUTE);
    expect(s.fire().rows).toEqual([]);
    expect(s.engine.watermarks()).toEqual(new Map([[0, 1_000]]));
  });
});
