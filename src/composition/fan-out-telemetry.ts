import type { TriggerCommit } from '../domain/pipeline/pipeline-output';
import type { CommitTiming, RunIdentity, RunReading, RunTelemetryPort } from '../ports/run-telemetry.port';

/**
 * One telemetry that tells every part's: what the pipeline is bound to. A part that throws is
 * skipped for that call (telemetry runs on the pipeline's path and must never fail a run).
 */
export class FanOutTelemetry implements RunTelemetryPort {
  constructor(private readonly targets: readonly RunTelemetryPort[]) {}

  runStarted(run: RunIdentity, read: () => RunReading): void {
    this.each((t) => t.runStarted(run, read));
  }

  committed(job: string, trigger: TriggerCommit, timing: CommitTiming): void {
    this.each((t) => t.committed(job, trigger, timing));
  }

  commitFailed(job: string, error: string, atMs: number): void {
    this.each((t) => t.commitFailed(job, error, atMs));
  }

  runEnded(job: string, outcome: 'completed' | 'stopped' | 'failed', atMs: number): void {
    this.each((t) => t.runEnded(job, outcome, atMs));
  }

  private each(call: (t: RunTelemetryPort) => void): void {
    for (const t of this.targets) {
      try {
        call(t);
      } catch {
        // An observer's bug must not stop the run; the others still hear of it.
      }
    }
  }
}
