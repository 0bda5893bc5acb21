import { sessionWindows, slidingWindows, type WindowSpec } from '../windowing/window-spec';
import type { JobWindow } from './windows';

/**
 * The global window as the engine runs it until it has global windows of its own: one fixed window
 * `[0, GLOBAL_WINDOW_END_MS)` (the last instant a JavaScript date can hold), which no event time of
 * 2000..2100 leaves; its rows still say `finalAtMs = Infinity`.
 */
export const GLOBAL_WINDOW_END_MS = 8_640_000_000_000_000;

/** The engine's window spec for an SDK window. */
export function engineWindow(window: JobWindow): WindowSpec {
  switch (window.kind) {
    case 'fixed':
      return slidingWindows(window.lengthMs, window.slideMs);
    case 'session':
      return sessionWindows(window.gapMs);
    case 'global':
      return slidingWindows(GLOBAL_WINDOW_END_MS, GLOBAL_WINDOW_END_MS);
  }
}
