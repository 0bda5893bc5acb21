/**
 * How a job's events are grouped into windows:
 *
 * - `fixed`: event-time windows aligned to the Unix epoch (UTC). An event at `t` belongs to every
 *   window `[s, s + lengthMs)` with `s` a multiple of `slideMs` and `s <= t < s + lengthMs`
 *   (tumbling: `slideMs === lengthMs`; sliding: `slideMs < lengthMs`).
 *
 *     slide = 1m, length = 2m          t
 *     ...|-----w0-----|                :
 *        |     |-----w1-----|          :   t = s + length belongs to the *next* window:
 *              |     |-----w2-----|    :   the end of a window is exclusive.
 *
 * - `session`: per group key, events closer than `gapMs` merge into one window (see `SessionWindows`).
 * - `global`: one window holding every event, closed only at the end of input.
 */
export type WindowSpec = FixedWindowSpec | SessionWindowSpec | GlobalWindowSpec;

export interface FixedWindowSpec {
  readonly kind: 'fixed';
  readonly lengthMs: number;
  readonly slideMs: number;
}

export interface SessionWindowSpec {
  readonly kind: 'session';
  readonly gapMs: number;
}

export interface GlobalWindowSpec {
  readonly kind: 'global';
}

export function sessionWindows(gapMs: number): SessionWindowSpec {
  if (!Number.isSafeInteger(gapMs) || gapMs <= 0)
    throw new RangeError(`session gap must be a positive whole number of milliseconds, got ${gapMs}`);
  return { kind: 'session', gapMs };
}

export function globalWindows(): GlobalWindowSpec {
  return { kind: 'global' };
}

export function tumblingWindows(lengthMs: number): FixedWindowSpec {
  return slidingWindows(lengthMs, lengthMs);
}

export function slidingWindows(lengthMs: number, slideMs: number): FixedWindowSpec {
  if (!Number.isSafeInteger(lengthMs) || lengthMs <= 0) {
    throw new RangeError(`window length must be a positive whole number of milliseconds, got ${lengthMs}`);
  }
  if (!Number.isSafeInteger(slideMs) || slideMs <= 0) {
    throw new RangeError(`window slide must be a positive whole number of milliseconds, got ${slideMs}`);
  }
  if (slideMs > lengthMs) {
    // Gaps between windows would silently drop events that fall in them.
    throw new RangeError(`window slide (${slideMs} ms) must not exceed its length (${lengthMs} ms)`);
  }
  return { kind: 'fixed', lengthMs, slideMs };
}

/** Start of the last window (highest start) that contains `t`. */
export function lastWindowStart(spec: FixedWindowSpec, t: number): number {
  return Math.floor(t / spec.slideMs) * spec.slideMs;
}

/** Starts of all windows containing `t`, oldest first. */
export function windowStartsFor(spec: FixedWindowSpec, t: number): number[] {
  const starts: number[] = [];
  const last = lastWindowStart(spec, t);
  for (let s = firstWindowStart(spec, t); s <= last; s += spec.slideMs) starts.push(s);
  return starts;
}

/** Start of the first window (lowest start) that contains `t`: the smallest multiple of slide > t - length. */
export function firstWindowStart(spec: FixedWindowSpec, t: number): number {
  return (Math.floor((t - spec.lengthMs) / spec.slideMs) + 1) * spec.slideMs;
}

export function isTumbling(spec: WindowSpec): boolean {
  return spec.kind === 'fixed' && spec.slideMs === spec.lengthMs;
}

/** The spec in words, as the run summary and the snapshot settings name it. */
export function describeWindows(spec: WindowSpec): string {
  if (spec.kind === 'session') return `session-gap=${spec.gapMs}`;
  if (spec.kind === 'global') return 'global';
  return `window=${spec.lengthMs}/${spec.slideMs}`;
}
