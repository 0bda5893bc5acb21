import { firstWindowStart, lastWindowStart, type FixedWindowSpec } from '../windowing/window-spec';

/** The windows of an event that are still open: starts `first`, `first + slide`, … up to `last`. */
export interface OpenWindowStarts {
  readonly first: number;
  readonly last: number;
  /** How many of the event's windows had closed (ended at or before the watermark). */
  readonly closed: number;
}

/**
 * Assigns an event at `t` to its fixed (tumbling or sliding) windows that end after the watermark
 * `w`; a sliding event may keep later windows when earlier ones closed. None open (`first > last`):
 * the event is late.
 */
export function openWindowStarts(spec: FixedWindowSpec, t: number, w: number): OpenWindowStarts {
  const { lengthMs, slideMs } = spec;
  const last = lastWindowStart(spec, t);
  const firstOfEvent = firstWindowStart(spec, t);
  const first = firstOfEvent + lengthMs > w ? firstOfEvent : (Math.floor((w - lengthMs) / slideMs) + 1) * slideMs;
  return { first, last, closed: first > firstOfEvent ? (first - firstOfEvent) / slideMs : 0 };
}
