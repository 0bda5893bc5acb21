import type { HttpBody, HttpRoute } from '../../ports/http-endpoint.port';
import type { CommitTiming, RunIdentity, RunReading, RunTelemetryPort } from '../../ports/run-telemetry.port';
import type { TriggerCommit } from '../../domain/pipeline/pipeline-output';
import { notReadyBecause } from './readiness';
import { RunBook } from './run-book';

/**
 * `/health/live`: 200 while the process serves. `/health/ready`: 200 when every running job has
 * partitions assigned, is not rebuilding its state, has no outage and its last commit attempt did
 * not fail; else 503. Both answer JSON: `{"ready":false,"jobs":[{"job":…,"ready":false,"reason":…}]}`.
 */
export class HealthChecks implements RunTelemetryPort {
  private readonly book = new RunBook();

  /** `redact` masks the secrets a reason may hold (a driver's message may quote its URL). */
  constructor(private readonly redact: (text: string) => string = (t) => t) {}

  runStarted(run: RunIdentity, read: () => RunReading): void {
    this.book.started(run, read);
  }

  committed(_job: string, _trigger: TriggerCommit, _timing: CommitTiming): void {
    // Readiness reads the last commit from the run itself.
  }

  commitFailed(_job: string, _error: string, _atMs: number): void {
    // Idem.
  }

  runEnded(job: string, outcome: 'completed' | 'stopped' | 'failed'): void {
    this.book.ended(job, outcome);
  }

  routes(): readonly HttpRoute[] {
    return [
      { path: '/health/live', handle: () => json(200, { live: true }) },
      { path: '/health/ready', handle: () => this.ready() },
    ];
  }

  private ready(): HttpBody {
    const running = this.book.running();
    if (running.length === 0) return json(503, { ready: false, reason: 'no job is running', jobs: [] });
    const jobs = running.map((r) => {
      const reason = notReadyBecause(r.read());
      return reason === undefined
        ? { job: r.run.job, ready: true }
        : { job: r.run.job, ready: false, reason: this.redact(reason) };
    });
    const ready = jobs.every((j) => j.ready);
    return json(ready ? 200 : 503, { ready, jobs });
  }
}

function json(status: number, value: unknown): HttpBody {
  return {
    status,
    contentType: 'application/json; charset=utf-8',
    body: `${JSON.stringify(value)}\n`,
    headers: { 'cache-control': 'no-store' },
  };
}
