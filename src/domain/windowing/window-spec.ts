/**
 * Event-time windows aligned to the Unix epoch (UTC). An event at `t` belongs to every window
 * `[s, s + lengthMs)` with `s` a multiple of `slideMs` and `s <= t < s + lengthMs`.
 *
 *   slide = 1m, length = 2m          t
 *   ...|-----w0-----|                :
 *      |     |-----w1-----|          :   t = s + length belongs to the *next* window:
 *            |     |-----w2-----|    :   the end of a window is exclusive.
 */
export interface WindowSpec {
  readonly lengthMs: number;
  readonly slideMs: number;
  /**
   * Set for session windows (see `SessionWindows`): events of one key closer than this merge into
   * one window. `lengthMs` and `slideMs` are then the gap too (a lone event's window).
   */
  readonly sessionGapMs?: number;
}

export function sessionWindows(gapMs: number): WindowSpec {
  if (!Number.isSafeInteger(gapMs) || gapMs <= 0)
    throw new RangeError(`session gap must be a positive whole number of milliseconds, got ${gapMs}`);
  return { lengthMs: gapMs, slideMs: gapMs, sessionGapMs: gapMs };
}

export function tumblingWindows(lengthMs: number): WindowSpec {
  return slidingWindows(lengthMs, lengthMs);
}

export function slidingWindows(lengthMs: number, slideMs: number): WindowSpec {
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
  return { lengthMs, slideMs };
}

/** Start of the last window (highest start) that contains `t`. */
export function lastWindowStart(spec: WindowSpec, t: number): number {
  return Math.floor(t / spec.slideMs) * spec.slideMs;
}

/** Starts of all windows containing `t`, oldest first. */
export function windowStartsFor(spec: WindowSpec, t: number): number[] {
  const starts: number[] = [];
  const last = lastWindowStart(spec, t);
  for (let s = firstWindowStart(spec, t); s <= last; s += spec.slideMs) starts.push(s);
  return starts;
}

/** Start of the first window (lowest start) that contains `t`: the smallest multiple of slide > t - length. */
export function firstWindowStart(spec: WindowSpec, t: number): number {
  return (Math.floor((t - spec.lengthMs) / spec.slideMs) + 1) * spec.slideMs;
}

export function isTumbling(spec: WindowSpec): boolean {
  return spec.slideMs === spec.lengthMs;
}
