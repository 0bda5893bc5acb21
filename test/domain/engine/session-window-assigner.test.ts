import { emptyCounters } from '../../../src/domain/engine/engine-counters';
import { SessionWindowAssigner } from '../../../src/domain/engine/session-window-assigner';
import type { AssignerSnapshot } from '../../../src/domain/engine/window-assigner';
import { sessionWindows } from '../../../src/domain/windowing/window-spec';
import { figures, testJob, type TestEvent } from '../../support/event-job';

const GAP = 1_000;
const e = (id: number, key: string, t: number, v = 1): TestEvent => ({ id, key, t, v });

function placeAll(a: SessionWindowAssigner<TestEvent, unknown, unknown>, events: readonly TestEvent[]): number[] {
  return events.map((ev, i) => {
    if (a.assign(ev.t, -Infinity) === undefined) throw new Error(`late: ${ev.t}`);
    return a.add(ev, ev.key, 0, i);
  });
}

describe('SessionWindowAssigner', () => {
  it('answers the end of the event’s own session window, and late for an event behind the watermark', () => {
    const a = new SessionWindowAssigner(testJob(), sessionWindows(GAP));
    expect(a.assign(5_000, 5_000)).toBe(6_000);
    expect(a.assign(4_999, 5_000)).toBeUndefined();
    expect(a.closedWhy()).toBe('sessions up to the watermark may be closed');
  });

  it('merges the sessions of a key that an event bridges, and counts the state rows it adds', () => {
    const a = new SessionWindowAssigner(testJob(), sessionWindows(GAP));
    // a@0 and a@1500 are apart; a@800 bridges them (0+1000 > 800, 800+1000 > 1500).
    expect(placeAll(a, [e(1, 'a', 0), e(2, 'a', 1_500), e(3, 'b', 700), e(4, 'a', 800)])).toEqual([1, 1, 1, -1]);
    expect(a.size()).toBe(2);
    expect(figures(a.emit(Infinity, emptyCounters()).rows)).toEqual(
      new Map([
        ['a|0|2500', '3/3'],
        ['b|700|1700', '1/1'],
      ]),
    );
  });

  it('closes a session once closeUpTo reaches its end (last event + gap)', () => {
    const a = new SessionWindowAssigner(testJob(), sessionWindows(GAP));
    placeAll(a, [e(1, 'a', 0), e(2, 'a', 900)]);
    expect(a.emit(1_899, emptyCounters()).rows).toEqual([]);
    expect(figures(a.emit(1_900, emptyCounters()).rows)).toEqual(new Map([['a|0|1900', '2/2']]));
    expect(a.size()).toBe(0);
  });

  it('restores from its snapshot the sessions it had, with their first positions', () => {
    const a = new SessionWindowAssigner(testJob(), sessionWindows(GAP));
    placeAll(a, [e(1, 'a', 0, 3), e(2, 'b', 10, 4)]);
    const b = new SessionWindowAssigner(testJob(), sessionWindows(GAP));
    expect(b.restore(JSON.parse(JSON.stringify(a.snapshot())) as AssignerSnapshot)).toBe(2);
    expect(b.firstPosition(0)).toBe(0);
    expect(figures(b.emit(Infinity, emptyCounters()).rows)).toEqual(figures(a.emit(Infinity, emptyCounters()).rows));
  });
});
