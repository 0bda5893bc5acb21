import { commitOutput, type PipelineOutput, type TriggerCommit } from './pipeline-output';
import type { SourcePort } from '../../ports/source.port';
import type { EngineCounters } from '../engine/engine-counters';
import type { AnyEngine, RunState } from './run-state';

/** Who produced a trigger, and when it fired. */
export interface TriggerOrigin {
  /** The engine that produced it: a rebuild may have replaced it by the time the commit lands. */
  readonly owner: AnyEngine;
  /** Its counters at the trigger: what a later rebuild keeps once the commit succeeded. */
  readonly stats: EngineCounters;
  /** The trigger's instant: reading the clock again would move a stepping test clock. */
  readonly atMs: number;
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
): Promise<void> {
  const began = { sinceMs: origin.atMs };
  state.committing = began;
  state.lastCommitStartMs = began.sinceMs;
  await commitOutput(output, trigger);
  if (state.committing === began) state.committing = undefined;
  state.committed(origin.owner, origin.stats);
  await source.acknowledge(trigger.positions);
}
