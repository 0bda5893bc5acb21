import fc from 'fast-check';
import type { OutputMode } from '../../../src/domain/engine/output-mode';
import {
  globalWindows,
  sessionWindows,
  slidingWindows,
  type FixedWindowSpec,
  type WindowSpec,
} from '../../../src/domain/windowing/window-spec';
import { event, figures, testJob, TestEventStream } from '../../support/event-job';
import { propertyRuns } from '../../support/property-runs';

/**
 * For every window kind, the engine's final table equals a naive computation on random input:
 * several partitions interleaved, out of order and late records, triggers at random points. The
 * references share no code with the engine; each only replays the watermark rule: a record of
 * partition p is checked against max(W_p, closed), W_p = its highest time so far − delay, and a
 * trigger closes up to the smallest W_p.
 */
interface Step {
  readonly p: number;
  readonly key: string;
  readonly t: number;
  readonly v: number;
  /** Processing time: how far behind the clock the record is processed. */
  readonly lag: number;
  readonly trigger: boolean;
}

const PARTITIONS = [0, 1, 2];
const steps = fc.array(
  fc.record({
    p: fc.constantFrom(...PARTITIONS),
    key: fc.constantFrom('a', 'b', 'c'),
    // On a 250 ms grid, so that times meet window ends and watermarks exactly (the boundaries).
    t: fc.integer({ min: 0, max: 48 }).map((n) => n * 250),
    v: fc.integer({ min: 1, max: 9 }),
    lag: fc.integer({ min: 0, max: 16 }).map((n) => n * 250),
    trigger: fc.boolean(),
  }),
  { maxLength: 60 },
);
const delays = fc.constantFrom(0, 500, 2_000);
const fixedSpecs = fc.constantFrom(
  slidingWindows(1_000, 1_000),
  slidingWindows(2_000, 1_000),
  slidingWindows(3_000, 1_000),
  slidingWindows(1_500, 500),
);
const modes = fc.constantFrom<OutputMode>('update', 'append', 'complete');

/** The watermark rule, as the references replay it. */
class Watermarks {
  private readonly max = new Map<number, number>(PARTITIONS.map((p) => [p, -Infinity]));
  private closed = -Infinity;
  constructor(private readonly delay: number) {}
  before(p: number): number {
    return Math.max((this.max.get(p) ?? -Infinity) - this.delay, this.closed);
  }
  saw(p: number, t: number): void {
    this.max.set(p, Math.max(this.max.get(p) ?? -Infinity, t));
  }
  trigger(): void {
    this.closed = Math.max(this.closed, Math.min(...[...this.max.values()].map((m) => m - this.delay)));
  }
}

function add(table: Map<string, [number, number]>, cell: string, v: number): void {
  const [sum, count] = table.get(cell) ?? [0, 0];
  table.set(cell, [sum + v, count + 1]);
}

function asFigures(table: Map<string, [number, number]>): Map<string, string> {
  return new Map([...table].map(([cell, [sum, count]]) => [cell, `${sum}/${count}`]));
}

/** Fixed windows by brute force: every window containing t that ends after the watermark. `timeOf` gives t. */
function referenceFixed(
  input: readonly Step[],
  spec: FixedWindowSpec,
  delay: number,
  timeOf: (s: Step, i: number) => number,
  onTrigger: (w: Watermarks, i: number) => void = () => undefined,
): Map<string, string> {
  const w = new Watermarks(delay);
  const table = new Map<string, [number, number]>();
  input.forEach((s, i) => {
    const t = timeOf(s, i);
    const before = w.before(s.p);
    for (let start = Math.floor((t - spec.lengthMs) / spec.slideMs) * spec.slideMs; start <= t; start += spec.slideMs) {
      const end = start + spec.lengthMs;
      if (start <= t && t < end && end > before) add(table, `${s.key}|${start}|${end}`, s.v);
    }
    w.saw(s.p, t);
    if (s.trigger) {
      onTrigger(w, i);
      w.trigger();
    }
  });
  return asFigures(table);
}

/** Sessions as a batch computes them: per key, the on-time events by time, split where the gap is reached. */
function referenceSessions(
  input: readonly Step[],
  gap: number,
  delay: number,
  onTrigger: (w: Watermarks, i: number) => void = () => undefined,
): Map<string, string> {
  const w = new Watermarks(delay);
  const onTime = new Map<string, Step[]>();
  input.forEach((s, i) => {
    if (s.t >= w.before(s.p)) onTime.set(s.key, [...(onTime.get(s.key) ?? []), s]);
    w.saw(s.p, s.t);
    if (s.trigger) {
      onTrigger(w, i);
      w.trigger();
    }
  });
  const table = new Map<string, [number, number]>();
  for (const [key, events] of onTime) {
    const sorted = [...events].sort((a, b) => a.t - b.t);
    let session: Step[] = [];
    const close = (): void => {
      const first = session[0];
      const last = session[session.length - 1];
      if (first === undefined || last === undefined) return;
      for (const e of session) add(table, `${key}|${first.t}|${last.t + gap}`, e.v);
    };
    for (const e of sorted) {
      const last = session[session.length - 1];
      if (last !== undefined && e.t - last.t >= gap) {
        close();
        session = [];
      }
      session.push(e);
    }
    close();
  }
  return asFigures(table);
}

/** The global window: every record, per key. */
function referenceGlobal(input: readonly Step[]): Map<string, string> {
  const table = new Map<string, [number, number]>();
  for (const s of input) add(table, `${s.key}|-Infinity|Infinity`, s.v);
  return asFigures(table);
}

/** Runs the engine over the steps; `nowOf` gives each record's processing time (processing-time jobs). */
function engineTable(
  input: readonly Step[],
  window: WindowSpec,
  delay: number,
  mode: OutputMode,
  nowOf?: (s: Step, i: number) => number,
  clockAt?: (i: number) => number,
): Map<string, string> {
  const job = testJob(nowOf !== undefined ? { timeDomain: 'processing' } : {});
  const s = new TestEventStream(job, { window, watermarkMs: delay, outputMode: mode });
  s.engine.addPartitions(PARTITIONS);
  input.forEach((step, i) => {
    s.add(step.p, [event(i, step.key, step.t, step.v)], nowOf?.(step, i));
    if (step.trigger) {
      if (clockAt !== undefined) s.engine.advanceProcessingTime(clockAt(i));
      s.fire();
    }
  });
  s.finish();
  return figures(s.table.values());
}

describe('every window kind against a naive reference', () => {
  it('fixed (tumbling and sliding) windows', () => {
    fc.assert(
      fc.property(steps, fixedSpecs, delays, modes, (input, spec, delay, mode) => {
        expect(engineTable(input, spec, delay, mode)).toEqual(referenceFixed(input, spec, delay, (s) => s.t));
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it('session windows', () => {
    fc.assert(
      fc.property(steps, fc.constantFrom(300, 1_000, 2_500), delays, (input, gap, delay) => {
        expect(engineTable(input, sessionWindows(gap), delay, 'append')).toEqual(referenceSessions(input, gap, delay));
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it('the global window', () => {
    fc.assert(
      fc.property(steps, delays, modes, (input, delay, mode) => {
        expect(engineTable(input, globalWindows(), delay, mode)).toEqual(referenceGlobal(input));
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it('processing-time windows (records processed behind the clock may find their window closed)', () => {
    fc.assert(
      fc.property(steps, fixedSpecs, delays, modes, (input, spec, delay, mode) => {
        // The clock moves 250 ms per record; a record is processed `lag` behind it (never before 0).
        const clock = (i: number): number => 4_000 + 250 * i;
        const now = (s: Step, i: number): number => clock(i) - s.lag;
        const expected = referenceFixed(input, spec, delay, now, (w, i) => {
          for (const p of PARTITIONS) w.saw(p, clock(i));
        });
        expect(engineTable(input, spec, delay, mode, now, clock)).toEqual(expected);
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it('session windows over processing time', () => {
    fc.assert(
      fc.property(steps, fc.constantFrom(300, 1_000, 2_500), delays, (input, gap, delay) => {
        const clock = (i: number): number => 4_000 + 250 * i;
        const now = (s: Step, i: number): number => clock(i) - s.lag;
        const processed = input.map((s, i) => ({ ...s, t: now(s, i) }));
        const expected = referenceSessions(processed, gap, delay, (w, i) => {
          for (const p of PARTITIONS) w.saw(p, clock(i));
        });
        expect(engineTable(input, sessionWindows(gap), delay, 'append', now, clock)).toEqual(expected);
      }),
      { numRuns: propertyRuns(300) },
    );
  });
});
