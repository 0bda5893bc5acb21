import { emptyCounters } from '../../../src/domain/engine/engine-counters';
import { parseSnapshot, serializeSnapshot } from '../../../src/domain/engine/engine-snapshot';
import { GlobalWindowAssigner } from '../../../src/domain/engine/global-window-assigner';
import { StreamEngine } from '../../../src/domain/engine/stream-engine';
import { globalWindows } from '../../../src/domain/windowing/window-spec';
import { event, figures, testJob, TestEventStream, type TestEvent } from '../../support/event-job';

const e = (id: number, key: string, t: number, v = 1): TestEvent => ({ id, key, t, v });
const FAR_APART = [0, 86_400_000, 3_000_000_000_000];

describe('GlobalWindowAssigner', () => {
  it('places events of any time in the one window, open until the watermark reaches +Infinity', () => {
    const a = new GlobalWindowAssigner(testJob(), 'append');
    FAR_APART.forEach((t, i) => {
      expect(a.assign(t, 4_000_000_000_000)).toBe(Infinity);
      a.add(e(i, 'a', t, i + 1), 'a', 0, i, false);
    });
    expect(a.size()).toBe(1);
    expect(a.emit(4_000_000_000_000, emptyCounters()).rows).toEqual([]);
    const closing = a.emit(Infinity, emptyCounters());
    expect(closing.rows.map((r) => r.finalAtMs)).toEqual([Infinity]);
    expect(figures(closing.rows)).toEqual(new Map([['a|-Infinity|Infinity', '6/3']]));
    expect(a.size()).toBe(0);
  });

  it('takes an event as late once the window closed', () => {
    const a = new GlobalWindowAssigner(testJob(), 'append');
    expect(a.assign(0, Infinity)).toBeUndefined();
    expect(a.closedWhy()).toBe('the global window is closed (its rows were written)');
  });
});

describe('global windows in the engine', () => {
  it('writes rows with finalAtMs +Infinity only at the end of input in append mode', () => {
    const s = new TestEventStream(testJob(), { window: globalWindows(), watermarkMs: 0, outputMode: 'append' });
    s.add(0, [event(1, 'a', 0, 2), event(2, 'b', 86_400_000, 3), event(3, 'a', 3_000_000_000_000, 5)]);
    expect(s.fire().rows).toEqual([]);
    const last = s.finish();
    expect(figures(last.rows)).toEqual(
      new Map([
        ['a|-Infinity|Infinity', '7/2'],
        ['b|-Infinity|Infinity', '3/1'],
      ]),
    );
    expect(last.rows.every((r) => r.finalAtMs === Infinity)).toBe(true);
    expect(last.closedWindows).toBe(1);
  });

  it('updates the rows at each trigger in update mode, and a flush closes the window for later records', () => {
    const s = new TestEventStream(testJob(), { window: globalWindows(), watermarkMs: 0, outputMode: 'update' });
    s.add(0, [event(1, 'a', 10)]);
    expect(figures(s.fire().rows)).toEqual(new Map([['a|-Infinity|Infinity', '1/1']]));
    s.add(0, [event(2, 'a', 5)]);
    expect(figures(s.fire().rows)).toEqual(new Map([['a|-Infinity|Infinity', '2/2']]));
    s.engine.flushOpen();
    expect(s.fire().closedUpToMs).toBe(Infinity);
    s.add(0, [event(3, 'a', 20)]);
    const out = s.fire();
    expect(out.deadLetters.map((d) => [d.reason, d.detail])).toEqual([
      [
        'late',
        'event time 1970-01-01T00:00:00.020Z is behind watermark +inf of partition 0: the global window is closed (its rows were written)',
      ],
    ]);
  });

  it('continues from a snapshot holding the global window (its bounds are infinite)', () => {
    const settings = { window: globalWindows(), watermarkMs: 0, outputMode: 'append' } as const;
    const s = new TestEventStream(testJob(), settings);
    s.add(0, [event(1, 'a', 10, 4)]);
    const out = s.fire();
    const snapshot = parseSnapshot(serializeSnapshot(s.engine.snapshot(out.checkpoint)));
    const next = new StreamEngine(testJob(), settings);
    next.restoreSnapshot(snapshot);
    next.process({ partition: 0, position: 1, value: event(2, 'a', 20, 5) });
    next.finish();
    expect(figures(next.trigger().rows)).toEqual(new Map([['a|-Infinity|Infinity', '9/2']]));
  });
});
