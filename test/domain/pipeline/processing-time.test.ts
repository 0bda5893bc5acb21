import { ManualClock } from '../../../src/adapters/memory/manual-clock.adapter';
import { MemoryLogger } from '../../../src/adapters/memory/memory-logger.adapter';
import { MemorySink } from '../../../src/adapters/memory/memory-sink.adapter';
import { MemorySource } from '../../../src/adapters/memory/memory-source.adapter';
import type { AnyJob } from '../../../src/domain/jobs/job';
import { StreamPipeline } from '../../../src/domain/pipeline/stream-pipeline';
import { tumblingWindows } from '../../../src/domain/windowing/window-spec';
import type { SourcePort } from '../../../src/ports/source.port';
import { event, figures, testJob } from '../../support/event-job';
import { ordersSettings } from '../../support/orders-pipeline';

const SECOND = 1_000;

/** A source of one record per poll, each poll 30 s of processing time after the previous one. */
function pacedSource(clock: ManualClock, lines: readonly string[]): SourcePort {
  const memory = new MemorySource({ partitions: new Map([[0, lines]]), batchSizes: [1] });
  return {
    open: (from) => memory.open(from),
    poll: async (n) => {
      clock.advance(30 * SECOND);
      return memory.poll(n);
    },
    acknowledge: (at) => memory.acknowledge(at),
    close: () => memory.close(),
  };
}

describe('a processing-time job in the pipeline', () => {
  it('places records by the clock when they are processed, and closes windows as the clock passes them', async () => {
    const clock = new ManualClock(0, 0);
    const sink = new MemorySink();
    // Event times in reverse and far apart: only when each record is processed matters.
    const lines = [event(1, 'a', 9e12, 1), event(2, 'a', 5e12, 10), event(3, 'a', 1, 100), event(4, 'a', 0, 1_000)];
    await new StreamPipeline(
      pacedSource(clock, lines),
      sink,
      clock,
      new MemoryLogger(),
      ordersSettings({
        job: testJob({ timeDomain: 'processing' }) as AnyJob,
        window: tumblingWindows(60 * SECOND),
        watermarkMs: 0,
        outputMode: 'append',
        triggerRecords: 1,
      }),
    ).run();
    // Processed at 30 s, 60 s, 90 s and 120 s.
    expect(figures(sink.table.values())).toEqual(
      new Map([
        ['a|0|60000', '1/1'],
        ['a|60000|120000', '110/2'],
        ['a|120000|180000', '1000/1'],
      ]),
    );
    // [0, 60 s) was written by the trigger at 60 s, after the second record: the clock closed it.
    const firstWithRows = sink.commits.find((c) => c.rows.length > 0);
    expect(firstWithRows?.rows.map((r) => r.key)).toEqual(['a|0']);
    expect(firstWithRows?.positions).toEqual(new Map([[0, 2]]));
  });
});
