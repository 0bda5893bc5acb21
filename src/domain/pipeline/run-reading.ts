import type { RunOutage, RunReading } from '../../ports/run-telemetry.port';
import type { RunState } from './run-state';

/**
 * A run's figures at `nowMs`, read from its state between two steps of the pipeline (the figures
 * of one reading belong together). Outage time counts the outages that are over and the one going
 * on; a state whose records are all re-read is no longer rebuilding.
 */
export function runReading(state: RunState, nowMs: number): RunReading {
  const engine = state.engine;
  const source = state.sourceOutage;
  const sink = state.sinkOutage;
  const now = sink ?? source;
  const outage: RunOutage | undefined =
    now === undefined ? undefined : { side: now.service, what: now.error, sinceMs: now.sinceMs };
  const rebuilding = state.rebuildLeft() > 0 ? state.rebuilding : undefined;
  return {
    nowMs,
    counters: state.totals(),
    state: engine.stateSize(),
    assigned: [...state.assigned],
    lag: new Map(state.lag),
    watermarks: engine.watermarks(),
    ...(rebuilding !== undefined ? { rebuilding } : {}),
    ...(outage !== undefined ? { outage } : {}),
    outageMs: {
      source: state.outageDoneMs.source + (source === undefined ? 0 : Math.max(0, nowMs - source.sinceMs)),
      sink: state.outageDoneMs.sink + (sink === undefined ? 0 : Math.max(0, nowMs - sink.sinceMs)),
    },
    ...(state.lastCommit !== undefined ? { lastCommit: state.lastCommit } : {}),
  };
}
