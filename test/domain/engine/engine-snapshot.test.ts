import { parseSnapshot } from '../../../src/domain/engine/engine-snapshot';
import { StreamEngine } from '../../../src/domain/engine/stream-engine';
import { sessionWindows, tumblingWindows } from '../../../src/domain/windowing/window-spec';
import { event, figures, testJob } from '../../support/event-job';

/** Snapshots as the builds before window assigners wrote them (format 2). */
const FIXED =
  '{"format":2,"settings":"events window=1000/1000 watermark=0 output=append","closedUpToMs":"-Infinity",' +
  '"partitions":[[0,{"nextPosition":2,"replayUntil":0,"maxEventMs":1500,"ended":false,"committedPosition":2,' +
  '"committedWatermarkMs":1500,"closedUpToMs":"-Infinity","boundaries":[{"position":0,"maxEventMs":"-Infinity"}]}]],' +
  '"windows":[{"startMs":1000,"endMs":2000,"firstPositions":[[0,0]],"entries":[["a",{"key":"a"},{"sum":5,"count":2}]]}],' +
  '"ids":[]}';
const SESSIONS =
  '{"format":2,"settings":"events session-gap=1000 watermark=0 output=append","closedUpToMs":"-Infinity",' +
  '"partitions":[[0,{"nextPosition":1,"replayUntil":0,"maxEventMs":1200,"ended":false,"committedPosition":1,' +
  '"committedWatermarkMs":1200,"closedUpToMs":"-Infinity","boundaries":[]}]],"windows":[],"ids":[],' +
  '"sessions":[{"key":"a","startMs":1200,"endMs":2200,"firstPositions":[[0,0]],"group":{"key":"a"},"acc":{"sum":3,"count":1}}]}';

describe('snapshots written before window assigners', () => {
  it('continue a fixed-window run: the restored window takes the next record', () => {
    const settings = { window: tumblingWindows(1_000), watermarkMs: 0, outputMode: 'append' } as const;
    const engine = new StreamEngine(testJob(), settings);
    const snapshot = parseSnapshot(FIXED);
    expect(snapshot.settings).toBe(engine.settingsKey());
    expect(engine.restoreSnapshot(snapshot)).toEqual(new Map([[0, 2]]));
    engine.process({ partition: 0, position: 2, value: event(3, 'a', 1_700, 10) });
    engine.finish();
    expect(figures(engine.trigger().rows)).toEqual(new Map([['a|1000|2000', '15/3']]));
  });

  it('continue a session run: the restored session merges with the next record', () => {
    const settings = { window: sessionWindows(1_000), watermarkMs: 0, outputMode: 'append' } as const;
    const engine = new StreamEngine(testJob(), settings);
    const snapshot = parseSnapshot(SESSIONS);
    expect(snapshot.settings).toBe(engine.settingsKey());
    engine.restoreSnapshot(snapshot);
    engine.process({ partition: 0, position: 1, value: event(2, 'a', 2_000, 4) });
    engine.finish();
    expect(figures(engine.trigger().rows)).toEqual(new Map([['a|1200|3000', '7/2']]));
  });
});
