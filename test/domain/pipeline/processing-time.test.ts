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

class Crash extends Error {}

/**
 * A source of one record per poll, each poll 30 s of processing time after the previous one; it
 * dies (like `kill -9`) on its `crashAtPoll`-th poll when given.
 */
function pacedSource(clock: ManualClock, lines: readonly string[], crashAtPoll?: number): SourcePort {
  const memory = new MemorySource({ partitions: new Map([[0, lines]]), batchSizes: [1] });
  let polls = 0;
  return {
    open: (from) => memory.open(from),
    poll: async (n) => {
      if (++polls === crashAtPoll) throw new Crash('killed');
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

  it.each([
    ['append', 'exactly once'],
    ['update', 'at least once'],
  ] as const)(
    'after a crash, re-reads records into the windows of their new processing time: %s mode counts each %s',
    async (mode, _counts) => {
      const lines = Array.from({ length: 10 }, (_, i) => event(i, 'a', 0, 1));
      const sink = new MemorySink();
      const settings = ordersSettings({
        job: testJob({ timeDomain: 'processing' }) as AnyJob,
        window: tumblingWindows(60 * SECOND),
        watermarkMs: 0,
        outputMode: mode,
        triggerRecords: 3,
        onStop: 'checkpoint',
      });
      // The first run dies on its 6th poll (5 records read at 30 s … 150 s, 3 committed at 90 s, when
      // [0, 60 s) closed); the second starts 10 min later and re-reads ids 1 and 2, of the open window.
      const first = new ManualClock(0, 0);
      await expect(
        new StreamPipeline(pacedSource(first, lines, 6), sink, first, new MemoryLogger(), settings).run(),
      ).rejects.toThrow(Crash);
      const second = new ManualClock(10 * 60 * SECOND, 0);
      await new StreamPipeline(pacedSource(second, lines), sink, second, new MemoryLogger(), {
        ...settings,
        onStop: 'flush',
      }).run();
      const counts = [...sink.table.values()].map((r) => Number(r.values['count']));
      const total = counts.reduce((a, b) => a + b, 0);
      // Nothing lost; append writes a window once, when it closes: each record counts once.
      if (mode === 'append') expect(total).toBe(lines.length);
      // Update wrote the row of the open window [60 s, 120 s) (ids 1 and 2) before the crash. Re-read
      // at 630 s and 660 s, id 1 is alone in its new window (a row changed by re-read records only is
      // not written again), but id 2 shares [660 s, 720 s) with new records: it counts a second time.
      else expect(total).toBe(lines.length + 1);
      expect(sink.deadLetters).toEqual([]);
    },
  );
});
