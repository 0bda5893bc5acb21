import { consoleRoutes } from '../adapters/console/console-routes';
import { LiveFeed } from '../adapters/console/live-feed.adapter';
import { defaultWebDir, loadWebAssets } from '../adapters/console/web-assets';
import { SystemClock } from '../adapters/system/system-clock.adapter';
import type { ClockPort } from '../ports/clock.port';
import type { EndpointPart } from './endpoint-part';

export interface ConsolePartOptions {
  /** Wall clock and timer of the samples (default: the system's). */
  readonly clock?: Pick<ClockPort, 'now' | 'every'>;
  /** The compiled browser code (default: `dist/web`). */
  readonly webDir?: string;
  /** How often the console samples the runs and updates its clients (default 1 s). */
  readonly sampleEveryMs?: number;
}

/**
 * The live console at `/`: a `LiveFeed` told about every run, sampled on a timer that does not keep
 * the process alive, and the routes that show it. Closing the part stops the timer.
 */
export function consolePart(options: ConsolePartOptions = {}): EndpointPart & { readonly feed: LiveFeed } {
  const clock = options.clock ?? new SystemClock();
  const feed = new LiveFeed(() => clock.now(), {
    ...(options.sampleEveryMs !== undefined ? { sampleEveryMs: options.sampleEveryMs } : {}),
  });
  const stop = clock.every?.(feed.sampleEveryMs, () => feed.tick());
  const assets = loadWebAssets(options.webDir ?? defaultWebDir(), ['console', 'shared']);
  return {
    name: 'console',
    routes: consoleRoutes(feed, assets),
    telemetry: feed,
    feed,
    close: async () => {
      stop?.();
    },
  };
}
