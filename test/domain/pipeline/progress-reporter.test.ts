import { ManualClock } from '../../../src/adapters/memory/manual-clock.adapter';
import { StreamEngine } from '../../../src/domain/engine/stream-engine';
import type { AnyJob } from '../../../src/domain/jobs/job';
import { ordersJob } from '../../../src/domain/jobs/orders.job';
import { ProgressReporter } from '../../../src/domain/pipeline/progress-reporter';
import { RunState, type AnyEngine } from '../../../src/domain/pipeline/run-state';
import { tumblingWindows } from '../../../src/domain/windowing/window-spec';
import type { ClockPort } from '../../../src/ports/clock.port';
import type { LogContext, LoggerPort } from '../../../src/ports/logger.port';
import { order } from '../../support/order-lines';

/** Progress lines with the clock's time when each was logged. */
class LineLog implements LoggerPort {
  readonly lines: Array<{ readonly atMs: number; readonly line: LogContext }> = [];
  constructor(private readonly clock: ManualClock) {}
  debug(): void {}
  info(message: string, context?: LogContext): void {
    if (message === 'progress') this.lines.push({ atMs: this.clock.now(), line: context ?? {} });
  }
  warn(): void {}
  error(): void {}
}

function engine(): AnyEngine {
  return new StreamEngine(ordersJob as AnyJob, {
    window: tumblingWindows(60_000),
    watermarkMs: 10_000,
    outputMode: 'update',
  });
}

function setup(clockAt = 0) {
  const manual = new ManualClock(clockAt);
  const log = new LineLog(manual);
  const state = new RunState(engine(), [0], 0);
  const settings = { progressIntervalMs: 1_000, triggerIntervalMs: 500 };
  const reporter = new ProgressReporter(manual, log, settings, state, 0);
  return { clock: manual, log, state, reporter };
}

describe('progress reporter: when a line comes', () => {
  it('logs a line once an interval has passed since the last one', () => {
    const { log, reporter } = setup();
    for (const at of [999, 1_000, 1_500, 1_999, 2_000, 3_100]) reporter.logIfDue(at);
    expect(log.lines.length).toBe(3);
  });

  it('leaves the line to an attempt to reach the sink that is due', () => {
    const { log, state, reporter } = setup();
    state.sinkOutage = { service: 'sink', sinceMs: 0, error: 'down', attempt: 1, retryAtMs: 1_500 };
    reporter.logIfDue(1_500);
    reporter.logIfDue(2_000);
    expect(log.lines.length).toBe(0);
    reporter.logIfDue(1_499);
    expect(log.lines.length).toBe(1);
  });

  it('logs a line every interval while it sleeps, and leaves the line at the end to the caller', async () => {
    const { clock, log, reporter } = setup();
    await reporter.sleep(3_500);
    expect(clock.now()).toBe(3_500);
    expect(log.lines.map((l) => l.atMs)).toEqual([1_000, 2_000, 3_000]);
  });

  it('counts the interval from the last line when it starts sleeping', async () => {
    const { clock, log, reporter } = setup(800);
    reporter.log(800);
    await reporter.sleep(2_500);
    expect(clock.now()).toBe(3_300);
    expect(log.lines.map((l) => l.atMs)).toEqual([800, 1_800, 2_800]);
  });

  it('ticks a quarter of the interval on a clock that can, and stops when told', () => {
    const { clock, log, state } = setup();
    const ticks: Array<{ ms: number; tick: () => void }> = [];
    let stopped = 0;
    const ticking: ClockPort = {
      now: () => clock.now(),
      sleep: (ms) => clock.sleep(ms),
      every: (ms, tick) => {
        ticks.push({ ms, tick });
        return () => stopped++;
      },
    };
    const reporter = new ProgressReporter(
      ticking,
      log,
      { progressIntervalMs: 1_000, triggerIntervalMs: 500 },
      state,
      0,
    );
    const stop = reporter.startTicking();
    expect(ticks.map((t) => t.ms)).toEqual([250]);
    clock.advance(750);
    ticks[0]?.tick();
    clock.advance(250);
    ticks[0]?.tick();
    expect(log.lines.map((l) => l.atMs)).toEqual([1_000]);
    stop();
    expect(stopped).toBe(1);
  });

  it('has nothing to stop on a clock without ticks', () => {
    const { reporter } = setup();
    expect(() => reporter.startTicking()()).not.toThrow();
  });
});

describe('progress reporter: what a line shows', () => {
  it('shows a commit in flight once it has taken a trigger interval', () => {
    const { log, state, reporter } = setup();
    state.committing = { sinceMs: 200 };
    reporter.log(600);
    reporter.log(700);
    expect(log.lines.map((l) => l.line['waiting'])).toEqual([undefined, 'commit in progress for 0.5 s']);
  });

  it('shows the sink outage before the source outage', () => {
    const { log, state, reporter } = setup();
    state.sourceOutage = { service: 'source', sinceMs: 0, error: 'broker gone' };
    reporter.log(2_000);
    state.sinkOutage = { service: 'sink', sinceMs: 1_000, error: 'db gone', attempt: 2, retryAtMs: 3_000 };
    reporter.log(2_500);
    expect(log.lines.map((l) => [l.line['outage'], l.line['outageError']])).toEqual([
      ['source unavailable for 2 s', 'broker gone'],
      ['sink unavailable for 1.5 s, attempt 2, next in 0.5 s', 'db gone'],
    ]);
  });

  it('shows a rebuild with the records left to re-read, until they are', () => {
    const { log, state, reporter } = setup();
    const partition = { nextPosition: 5, replayFrom: 2, watermarkMs: -Infinity, replayMaxEventMs: -Infinity };
    state.engine.restore({ partitions: new Map([[0, { ...partition, closedUpToMs: -Infinity }]]) }, new Set([0]));
    state.rebuilding = 'a rebalance';
    reporter.log(1_000);
    for (const position of [2, 3, 4]) {
      state.engine.process({ partition: 0, position, value: order({ orderid: position, t: '00:00:01' }) });
    }
    reporter.log(2_000);
    expect(log.lines.map((l) => [l.line['rebuilding'], l.line['reread'], l.line['read']])).toEqual([
      ['from the last commit after a rebalance: 3 records left to re-read', 0, 0],
      [undefined, 3, 0],
    ]);
    expect(state.rebuilding).toBeUndefined();
  });

  it('shows the lag of the partitions owned', () => {
    const { log, state, reporter } = setup();
    state.lag.set(1, 7).set(0, 5);
    reporter.log(1_000);
    expect([log.lines[0]?.line['lag'], log.lines[0]?.line['lagByPartition']]).toEqual([12, '0:5 1:7']);
  });
});
