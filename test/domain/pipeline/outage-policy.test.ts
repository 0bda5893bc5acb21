import { ManualClock } from '../../../src/adapters/memory/manual-clock.adapter';
import { MemoryLogger } from '../../../src/adapters/memory/memory-logger.adapter';
import { StreamEngine } from '../../../src/domain/engine/stream-engine';
import { HexstreamError } from '../../../src/domain/hexstream-error';
import type { AnyJob } from '../../../src/domain/jobs/job';
import { ordersJob } from '../../../src/domain/jobs/orders.job';
import { isUnavailable, OutagePolicy, type OutageWaitHooks } from '../../../src/domain/pipeline/outage-policy';
import { RunState } from '../../../src/domain/pipeline/run-state';
import { tumblingWindows } from '../../../src/domain/windowing/window-spec';

const DOWN = new HexstreamError('SINK_UNAVAILABLE', 'connect ECONNREFUSED');

function runState(startedAtMs = 0): RunState {
  const engine = new StreamEngine(ordersJob as AnyJob, {
    window: tumblingWindows(60_000),
    watermarkMs: 10_000,
    outputMode: 'update',
  });
  return new RunState(engine, [0], startedAtMs);
}

/** Hooks that sleep on the manual clock and reconnect on the `upOnAttempt`-th try (never when undefined). */
function hooks(
  clock: ManualClock,
  upOnAttempt: number | undefined,
  stopped: () => boolean = () => false,
): OutageWaitHooks & { readonly sleeps: number[]; readonly lines: number[]; readonly tries: number[] } {
  const sleeps: number[] = [];
  const lines: number[] = [];
  const tries: number[] = [];
  return {
    sleeps,
    lines,
    tries,
    isStopped: stopped,
    logProgress: (nowMs) => lines.push(nowMs),
    sleep: async (ms) => {
      sleeps.push(ms);
      await clock.sleep(ms);
    },
    reconnect: async () => {
      tries.push(clock.now());
      if (upOnAttempt === undefined || tries.length < upOnAttempt) {
        throw new HexstreamError('SINK_UNAVAILABLE', `still down (${tries.length})`);
      }
    },
  };
}

describe('outage policy: backoff', () => {
  it('doubles from 0.5 s and stays at 10 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 100].map((a) => OutagePolicy.backoffMs(a))).toEqual([
      500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000, 10_000,
    ]);
  });

  it('cuts the last pause short at the give-up instant', () => {
    const policy = new OutagePolicy(new ManualClock(), new MemoryLogger(), 5_000);
    expect(policy.retryInMs(3, 1_000)).toBe(2_000);
    expect(policy.retryInMs(4, 3_500)).toBe(1_500);
    expect(policy.exceeded(4_999)).toBe(false);
    expect(policy.exceeded(5_000)).toBe(true);
  });

  it('never gives up without a limit', () => {
    const policy = new OutagePolicy(new ManualClock(), new MemoryLogger(), undefined);
    expect(policy.exceeded(1e12)).toBe(false);
    expect(policy.retryInMs(30, 1e12)).toBe(10_000);
  });

  it('tells an outage from other failures', () => {
    expect(isUnavailable(DOWN)).toBe(true);
    expect(isUnavailable(new HexstreamError('SOURCE_UNAVAILABLE', 'x'))).toBe(true);
    expect(isUnavailable(new HexstreamError('SINK_FENCED', 'x'))).toBe(false);
    expect(isUnavailable(new Error('x'))).toBe(false);
  });
});

describe('outage policy: waiting out the sink', () => {
  it('waits 0.5 s, 1 s, 2 s … from when the failed commit began, and gives up at --max-outage', async () => {
    const clock = new ManualClock(3_000);
    const state = runState();
    state.lastCommitStartMs = 1_000;
    state.committing = { sinceMs: 1_000 };
    const h = hooks(clock, undefined);
    const policy = new OutagePolicy(clock, new MemoryLogger(), 20_000);

    const failure = await policy.waitOutSink(DOWN, state, h).catch((e: unknown) => e);

    // Down since 1 s: attempts at 3.5, 4.5, 6.5, 10.5, 18.5, 21 s; at 21 s it has been down 20 s.
    expect(h.sleeps).toEqual([500, 1_000, 2_000, 4_000, 8_000, 2_500]);
    expect(h.tries).toEqual([3_500, 4_500, 6_500, 10_500, 18_500, 21_000]);
    expect(h.lines).toEqual([3_000, 3_500, 4_500, 6_500, 10_500, 18_500]);
    expect(failure).toBeInstanceOf(HexstreamError);
    const error = failure as HexstreamError;
    expect(error.code).toBe('SINK_UNAVAILABLE');
    expect(error.message).toBe(
      'unavailable for 20 s, longer than --max-outage 20 s; a restart resumes from the last commit: still down (6)',
    );
    expect(error.cause).toBeInstanceOf(HexstreamError);
    expect(state.sinkOutageBeganMs).toBe(1_000);
    expect(state.sinkOutage).toBeUndefined();
    expect(state.committing).toBeUndefined();
  });

  it('shows the outage with the attempt and when the next is due while it waits', async () => {
    const clock = new ManualClock(2_000);
    const state = runState();
    state.lastCommitStartMs = 2_000;
    const seen: unknown[] = [];
    const h = hooks(clock, 2);
    const policy = new OutagePolicy(clock, new MemoryLogger(), undefined);
    await policy.waitOutSink(DOWN, state, { ...h, logProgress: () => seen.push(state.sinkOutage) });
    expect(seen).toEqual([
      { service: 'sink', sinceMs: 2_000, error: 'connect ECONNREFUSED', attempt: 1, retryAtMs: 2_500 },
      { service: 'sink', sinceMs: 2_000, error: 'still down (1)', attempt: 2, retryAtMs: 3_500 },
    ]);
    expect(state.sinkOutage).toBeUndefined();
  });

  it('returns once the sink is back and rebuilt, logging how long it was down', async () => {
    const clock = new ManualClock(1_000);
    const state = runState();
    state.lastCommitStartMs = 1_000;
    const logger = new MemoryLogger();
    const h = hooks(clock, 3);
    await new OutagePolicy(clock, logger, 60_000).waitOutSink(DOWN, state, h);
    expect(h.tries).toEqual([1_500, 2_500, 4_500]);
    const back = logger.entries.filter((e) => e.message === 'sink available again; rebuilt from the last commit');
    expect(back.map((e) => e.context)).toEqual([{ downMs: 3_500, attempts: 3 }]);
    expect(logger.entries.filter((e) => e.message === 'sink unavailable; waiting for it').length).toBe(3);
  });

  it('dates the outage from a source outage that began earlier', async () => {
    const clock = new ManualClock(9_000);
    const state = runState();
    state.lastCommitStartMs = 8_000;
    state.sourceOutage = { service: 'source', sinceMs: 4_000, error: 'broker gone' };
    await new OutagePolicy(clock, new MemoryLogger(), undefined).waitOutSink(DOWN, state, hooks(clock, 1));
    expect(state.sinkOutageBeganMs).toBe(4_000);
  });

  it('gives up when asked to stop while it waits', async () => {
    const clock = new ManualClock(0);
    const state = runState();
    let asked = 0;
    const h = hooks(clock, undefined, () => ++asked > 2);
    const failure = await new OutagePolicy(clock, new MemoryLogger(), undefined)
      .waitOutSink(DOWN, state, h)
      .catch((e: unknown) => e);
    expect(h.tries).toEqual([500, 1_500]);
    expect((failure as HexstreamError).message).toBe(
      'unavailable for 1.5 s, stopped while waiting for it; a restart resumes from the last commit: still down (2)',
    );
  });

  it('lets any other failure of the reconnect through at once', async () => {
    const clock = new ManualClock(0);
    const fenced = new HexstreamError('SINK_FENCED', 'another owner');
    const h = hooks(clock, undefined);
    const failure = await new OutagePolicy(clock, new MemoryLogger(), undefined)
      .waitOutSink(DOWN, runState(), {
        ...h,
        reconnect: async () => {
          throw fenced;
        },
      })
      .catch((e: unknown) => e);
    expect(failure).toBe(fenced);
  });
});

describe('outage policy: watching the source', () => {
  it('notes when the source went away and came back, and forgets the sink outage then', () => {
    const clock = new ManualClock(1_000);
    const logger = new MemoryLogger();
    const state = runState();
    const policy = new OutagePolicy(clock, logger, undefined);
    policy.watchSource('broker gone', state);
    expect(state.sourceOutage).toEqual({ service: 'source', sinceMs: 1_000, error: 'broker gone' });
    clock.advance(2_000);
    policy.watchSource('still gone', state);
    expect(state.sourceOutage).toEqual({ service: 'source', sinceMs: 1_000, error: 'still gone' });
    clock.advance(500);
    state.sinkOutageBeganMs = 700;
    policy.watchSource(undefined, state);
    expect(state.sourceOutage).toBeUndefined();
    expect(state.sinkOutageBeganMs).toBeUndefined();
    expect(logger.entries.map((e) => [e.message, e.context])).toEqual([
      ['source unavailable; it reconnects on its own', { error: 'broker gone' }],
      ['source available again', { downMs: 2_500 }],
    ]);
  });

  it('dates a source outage from the sink outage that came first', () => {
    const clock = new ManualClock(5_000);
    const state = runState();
    state.sinkOutageBeganMs = 3_000;
    new OutagePolicy(clock, new MemoryLogger(), undefined).watchSource('broker gone', state);
    expect(state.sourceOutage?.sinceMs).toBe(3_000);
  });

  it('fails the run once the source has been away for --max-outage', () => {
    const clock = new ManualClock(1_000);
    const state = runState();
    const policy = new OutagePolicy(clock, new MemoryLogger(), 4_000);
    policy.watchSource('broker gone', state);
    clock.advance(3_999);
    policy.watchSource('broker gone', state);
    clock.advance(1);
    expect(() => policy.watchSource('broker gone', state)).toThrow(
      new HexstreamError(
        'SOURCE_UNAVAILABLE',
        'unavailable for 4 s, longer than --max-outage 4 s; a restart resumes from the last commit: broker gone',
      ),
    );
  });
});
