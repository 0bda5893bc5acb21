import type { StoredSnapshot } from '../../ports/result-store.port';
import type { PipelineOutput, TriggerCommit } from './pipeline-output';
import type { SourcePort } from '../../ports/source.port';
import { serializeSnapshot } from '../engine/engine-snapshot';
import { commitTrigger } from './commit-trigger';
import type { CommitQueue } from './commit-queue';
import type { RunState } from './run-state';
import type { TriggerPolicy } from './trigger-policy';
import type { PipelineSettings } from './pipeline-settings';
import type { RunWatch } from './run-watch';

/** The settings a trigger's firing depends on. */
export type FiringSettings = Pick<PipelineSettings, 'idleTimeoutMs' | 'overlapCommits'>;

/**
 * Fires triggers: moves idle watermarks on, takes the engine's output, and hands it to the commit
 * queue when the policy says it commits.
 */
export class TriggerFiring {
  constructor(
    private readonly output: PipelineOutput,
    private readonly source: SourcePort,
    private readonly policy: TriggerPolicy,
    private readonly commits: CommitQueue,
    private readonly settings: FiringSettings,
    private readonly watch?: RunWatch,
  ) {}

  /**
   * One trigger. The last one of a run that checkpoints also stores the engine's whole state;
   * it, and one that must be durable before going on (`wait`), is waited for.
   */
  async fire(state: RunState, now: number, last = false, wait = last): Promise<void> {
    const engine = state.engine;
    // Processing-time windows close as the clock passes their end (a no-op for event time).
    engine.advanceProcessingTime(now);
    // Records waiting in a partition (its lag) mean a slow reader, not an idle partition; while
    // the broker is unreachable, whether a partition is idle is unknown.
    engine.advanceIdle(now, this.settings.idleTimeoutMs, state.sourceOutage === undefined ? state.lag : 'unknown');
    const { newestEventMs, ...out } = engine.trigger();
    state.pending = 0;
    state.lastTriggerMs = now;
    if (!this.policy.commits(out, state.committedPositions, wait)) return;
    const snapshot: StoredSnapshot | undefined = this.policy.takesSnapshot(last)
      ? { partitions: [...out.positions.keys()], data: serializeSnapshot(engine.snapshot(out.checkpoint)) }
      : undefined;
    const trigger: TriggerCommit = {
      sequence: state.sequence++,
      ...out,
      ...(snapshot !== undefined ? { snapshot } : {}),
    };
    const origin = { owner: engine, stats: engine.stats(), atMs: now, ...(newestEventMs ? { newestEventMs } : {}) };
    state.committedPositions = out.positions;
    await this.commits.submit(
      () => commitTrigger(this.output, this.source, trigger, state, origin, this.watch),
      this.settings.overlapCommits === true && !wait,
    );
  }
}
