import { commitOutput, type PipelineOutput, type TriggerCommit } from './pipeline-output';
import type { SourcePort } from '../../ports/source.port';
import type { EngineCounters } from '../engine/engine-counters';
import type { AnyEngine, RunState } from './run-state';
import type { RunWatch } from './run-watch';

/** Who produced a trigger, and when it fired. */
export interface TriggerOrigin {
  /** The engine that produced it: a rebuild may have replaced it by the time the commit lands. */
  readonly owner: AnyEngine;
  /** Its counters at the trigger: what a later rebuild keeps once the commit succeeded. */
  readonly stats: EngineCounters;
  /** The trigger's instant: reading the clock again would move a stepping test clock. */
  readonly atMs: number;
  /** Per partition that read events in the trigger: the newest event time (for the event-to-commit latency). */
  readonly newestEventMs?: ReadonlyMap<number, number>;
}

/**
 * Commits one trigger: the sink makes rows, dead letters and positions durable as one unit, and
 * only then does the source hear of the positions (for lag monitoring, never to resume from).
 *
 *   sink.commit(trigger) ✓ ─▶ counters kept ─▶ source.acknowledge(positions)
 *        ✗ ─▶ rejects: nothing of it is visible, the caller rebuilds or fails
 */
export async function commitTrigger(
  output: PipelineOutput,
  source: SourcePort,
  trigger: TriggerCommit,
  state: RunState,
  origin: TriggerOrigin,
  watch?: RunWatch,
): Promise<void> {
  const began = { sinceMs: origin.atMs };
  state.committing = began;
  state.lastCommitStartMs = began.sinceMs;
  const startedAtMs = watch?.commitBegins();
  try {
    await commitOutput(output, trigger);
  } catch (e) {
    watch?.commitFailed(state, e);
    throw e;
  }
  if (state.committing === began) state.committing = undefined;
  state.committed(origin.owner, origin.stats);
  if (watch !== undefined && startedAtMs !== undefined)
    watch.committed(state, trigger, startedAtMs, origin.newestEventMs ?? new Map());
  await source.acknowledge(trigger.positions);
}
