import type { ClockPort } from '../../ports/clock.port';
import type { RunIdentity, RunTelemetryPort } from '../../ports/run-telemetry.port';
import type { TriggerCommit } from './pipeline-output';
import { runReading } from './run-reading';
import type { RunState } from './run-state';

/** Who watches a run, and what the pipeline cannot know of it by itself. */
export interface RunWatchSettings {
  readonly telemetry: RunTelemetryPort;
  readonly mode: RunIdentity['mode'];
  /** Where the records come from, for display. */
  readonly input: string;
}

/**
 * Tells the run's telemetry what happens, at the pipeline's points: the start (with a reading of
 * the run's state), each commit's end or failure, the end. Reads the clock only for that, so an
 * unwatched run reads it exactly as before. A telemetry that throws is ignored: watching never
 * fails a run.
 *
 *   trigger ─▶ commitBegins() ─▶ commit ✓ ─▶ committed(duration, now − newest event time per partition)
 *                                        ✗ ─▶ commitFailed(error)
 */
export class RunWatch {
  constructor(
    private readonly settings: RunWatchSettings,
    private readonly clock: ClockPort,
    private readonly job: string,
  ) {}

  started(run: Omit<RunIdentity, 'mode' | 'input'>, state: RunState): void {
    const identity: RunIdentity = { ...run, mode: this.settings.mode, input: this.settings.input };
    this.tell((t) => t.runStarted(identity, () => runReading(state, this.clock.now())));
  }

  /** The instant a commit begins. */
  commitBegins(): number {
    return this.clock.now();
  }

  committed(
    state: RunState,
    trigger: TriggerCommit,
    startedAtMs: number,
    newestEventMs: ReadonlyMap<number, number>,
  ): void {
    const endedAtMs = this.clock.now();
    state.lastCommit = { atMs: endedAtMs, ok: true };
    const eventToCommitMs = [...newestEventMs.values()].map((t) => endedAtMs - t);
    this.tell((t) => t.committed(this.job, trigger, { startedAtMs, endedAtMs, eventToCommitMs }));
  }

  commitFailed(state: RunState, error: unknown): void {
    const atMs = this.clock.now();
    const message = error instanceof Error ? error.message : String(error);
    state.lastCommit = { atMs, ok: false, error: message };
    this.tell((t) => t.commitFailed(this.job, message, atMs));
  }

  ended(outcome: 'completed' | 'stopped' | 'failed'): void {
    const atMs = this.clock.now();
    this.tell((t) => t.runEnded(this.job, outcome, atMs));
  }

  private tell(call: (t: RunTelemetryPort) => void): void {
    try {
      call(this.settings.telemetry);
    } catch {
      // Telemetry must not throw (see RunTelemetryPort); if it does, the run goes on regardless.
    }
  }
}
