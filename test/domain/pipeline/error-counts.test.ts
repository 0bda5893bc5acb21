import { emptyCounters, NO_STATE } from '../../../src/domain/engine/engine-counters';
import { ProgressLine } from '../../../src/domain/pipeline/progress-line';
import { runReportText } from '../../../src/domain/pipeline/run-report-text';
import type { RunReport } from '../../../src/domain/pipeline/stream-pipeline';
import { globalWindows, tumblingWindows } from '../../../src/domain/windowing/window-spec';

const counters = { ...emptyCounters(), read: 10, accepted: 5, invalid: 1, late: 1, duplicate: 1, error: 2 };
const report: RunReport = {
  job: 'events',
  startedAtMs: 0,
  elapsedMs: 1_000,
  counters,
  state: NO_STATE,
  peakState: NO_STATE,
  watermarks: new Map([[0, 5_000]]),
  completed: true,
  finalRows: 3,
  openWindowsAtEnd: 'flushed',
};

describe("records the job's code threw on", () => {
  it('count in the progress line, as errors and among the dead letters', () => {
    const line = new ProgressLine(0).next({
      nowMs: 1_000,
      counters,
      state: NO_STATE,
      lag: new Map(),
      watermarks: new Map(),
      idleAdvanced: new Map(),
    });
    expect(line).toMatchObject({ errors: 2, deadLetters: 5, late: 1, duplicates: 1 });
  });

  it('count in the run report, as errors and among the dead letters', () => {
    const text = runReportText(report, { mode: 'test', outputs: [], window: tumblingWindows(1_000) });
    expect(text).toContain('\n  errors         2\n');
    expect(text).toContain('\ndead letters     5\n');
  });

  it('leave the run report without an errors line while there are none', () => {
    const text = runReportText(
      { ...report, counters: { ...counters, error: 0 } },
      { mode: 'test', outputs: [], window: globalWindows() },
    );
    expect(text).not.toContain('errors');
    expect(text).toContain('\ndead letters     3\n');
    expect(text).toContain('global window');
  });
});
