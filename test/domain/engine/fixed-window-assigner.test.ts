import { emptyCounters } from '../../../src/domain/engine/engine-counters';
import { FixedWindowAssigner } from '../../../src/domain/engine/fixed-window-assigner';
import type { AssignerSnapshot } from '../../../src/domain/engine/window-assigner';
import { slidingWindows, tumblingWindows } from '../../../src/domain/windowing/window-spec';
import { figures, testJob, type TestEvent } from '../../support/event-job';

const e = (id: number, key: string, t: number, v = 1): TestEvent => ({ id, key, t, v });

describe('FixedWindowAssigner', () => {
  it('places an event in every sliding window containing it and answers the end of the last', () => {
    const a = new FixedWindowAssigner(testJob(), slidingWindows(3_000, 1_000), 'append');
    expect(a.assign(5_500, -Infinity)).toBe(8_000);
    expect(a.closedOfAssigned()).toBe(0);
    a.add(e(1, 'a', 5_500), 'a', 0, 0, false);
    expect(a.size()).toBe(3);
    expect(figures(a.emit(Infinity, emptyCounters()).rows)).toEqual(
      new Map([
        ['a|3000|6000', '1/1'],
        ['a|4000|7000', '1/1'],
        ['a|5000|8000', '1/1'],
      ]),
    );
  });

  it('keeps the later sliding windows of an event whose earlier ones closed, counting those closed', () => {
    const a = new FixedWindowAssigner(testJob(), slidingWindows(3_000, 1_000), 'append');
    // W = 7000 closed [3000, 6000) and [4000, 7000); [5000, 8000) is open.
    expect(a.assign(5_500, 7_000)).toBe(6_000 + 2_000);
    expect(a.closedOfAssigned()).toBe(2);
    a.add(e(1, 'a', 5_500), 'a', 0, 0, false);
    expect([...figures(a.emit(Infinity, emptyCounters()).rows).keys()]).toEqual(['a|5000|8000']);
  });

  it('answers undefined (late) when every window of the event closed, and says which', () => {
    const a = new FixedWindowAssigner(testJob(), tumblingWindows(1_000), 'append');
    expect(a.assign(1_999, 2_000)).toBeUndefined();
    expect(a.closedWhy(1_999)).toBe('window [1970-01-01T00:00:01.000Z, 1970-01-01T00:00:02.000Z) is closed');
    expect(a.assign(2_000, 2_000)).toBe(3_000);
  });

  it('emits and evicts only the windows ending at or before closeUpTo, in append mode', () => {
    const a = new FixedWindowAssigner(testJob(), tumblingWindows(1_000), 'append');
    for (const [id, t] of [
      [1, 100],
      [2, 900],
      [3, 1_500],
    ] as const) {
      a.assign(t, -Infinity);
      a.add(e(id, 'a', t, id), 'a', 0, id, false);
    }
    const counters = emptyCounters();
    expect(figures(a.emit(1_000, counters).rows)).toEqual(new Map([['a|0|1000', '3/2']]));
    expect(counters.finalRows).toBe(1);
    expect(a.size()).toBe(1);
    expect(a.firstPosition(0)).toBe(3);
    expect(a.firstPosition(1)).toBeUndefined();
  });

  it('restores from its snapshot the windows it had, which then emit the same rows', () => {
    const a = new FixedWindowAssigner(testJob(), slidingWindows(2_000, 1_000), 'append');
    a.assign(1_500, -Infinity);
    a.add(e(1, 'a', 1_500, 4), 'a', 0, 7, false);
    const b = new FixedWindowAssigner(testJob(), slidingWindows(2_000, 1_000), 'append');
    expect(b.restore(JSON.parse(JSON.stringify(a.snapshot())) as AssignerSnapshot)).toBe(2);
    expect(b.firstPosition(0)).toBe(7);
    expect(figures(b.emit(Infinity, emptyCounters()).rows)).toEqual(figures(a.emit(Infinity, emptyCounters()).rows));
  });
});
