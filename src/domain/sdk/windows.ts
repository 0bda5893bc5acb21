import { globalWindows, sessionWindows, slidingWindows, type WindowSpec } from '../windowing/window-spec';
import { durationMs, type Duration } from './duration';

/**
 * A job's windows, as the engine runs them (`WindowSpec`):
 * - `fixed`: windows of `lengthMs` starting every `slideMs` (tumbling when equal), aligned to the epoch;
 * - `session`: per key, events closer than `gapMs` share one window;
 * - `global`: one window for all time, closed only at the end of the input.
 */
export type JobWindow = WindowSpec;

function positive(d: Duration, what: string): number {
  const ms = durationMs(d, what);
  if (ms <= 0) throw new Error(`${what} must be longer than 0 ms, got ${String(d)}`);
  return ms;
}

/** Windows of `length`, one after the other: each event is in exactly one. */
export function tumbling(length: Duration): JobWindow {
  const lengthMs = positive(length, 'tumbling window length');
  return slidingWindows(lengthMs, lengthMs);
}

/** Windows of `length` starting every `slide` (≤ length): each event is in length / slide of them. */
export function sliding(length: Duration, slide: Duration): JobWindow {
  const lengthMs = positive(length, 'sliding window length');
  const slideMs = positive(slide, 'sliding window slide');
  if (slideMs > lengthMs)
    throw new Error(`sliding window slide (${slideMs} ms) must not exceed its length (${lengthMs} ms)`);
  return slidingWindows(lengthMs, slideMs);
}

/** Per key: a window that stays open while events come less than `gap` apart (needs output 'append'). */
export function session(gap: Duration): JobWindow {
  return sessionWindows(positive(gap, 'session gap'));
}

/** One window over the whole input: its rows are final only at the end of the input. */
export function globalWindow(): JobWindow {
  return globalWindows();
}
