import { consolePart } from '../../src/composition/console-part';
import { emptyCounters } from '../../src/domain/engine/engine-counters';
import { ordersJob } from '../../src/domain/jobs/orders.job';

describe('consolePart', () => {
  it('samples the runs on its clock every second and stops when closed', async () => {
    const ticks: Array<() => void> = [];
    let stopped = 0;
    let now = 1_000_000;
    const clock = {
      now: () => now,
      every: (ms: number, tick: () => void) => {
        expect(ms).toBe(1000);
        ticks.push(tick);
        return () => stopped++;
      },
    };
    const part = consolePart({ clock, webDir: '/nonexistent' });
    expect([part.name, part.telemetry === part.feed]).toEqual(['console', true]);
    expect(part.routes.map((r) => r.path)).toEqual(['/', '/api/console', '/api/live']);
    let read = 0;
    part.feed.runStarted(
      {
        job: 'orders',
        mode: 'test',
        outputMode: 'update',
        table: ordersJob.table,
        input: 'orders.jsonl',
        startedAtMs: now,
      },
      () => ({
        nowMs: now,
        counters: { ...emptyCounters(), read: (read += 7) },
        state: { openWindows: 0, rows: 0, rememberedIds: 0 },
        assigned: [],
        lag: new Map(),
        watermarks: new Map(),
        outageMs: { source: 0, sink: 0 },
      }),
    );
    now += 1000;
    for (const tick of ticks) tick();
    expect(part.feed.state().jobs[0]?.samples.map((s) => [s.read, s.rate])).toEqual([
      [7, null],
      [14, 7],
    ]);
    await part.close?.();
    expect([ticks.length, stopped]).toEqual([1, 1]);
  });
});
