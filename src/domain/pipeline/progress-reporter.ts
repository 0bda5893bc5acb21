import type { ClockPort } from '../../ports/clock.port';
import type { LoggerPort } from '../../ports/logger.port';
import type { MemoryUsagePort } from '../../ports/memory-usage.port';
import { ProgressLine, type ProgressView } from './progress-line';
import type { RunState } from './run-state';
import type { PipelineSettings } from './pipeline-settings';

/** The settings the progress lines depend on. */
export type ProgressSettings = Pick<PipelineSettings, 'progressIntervalMs' | 'triggerIntervalMs'>;

/**
 * Logs a progress line every interval, whatever the pipeline is doing: between polls, while it
 * sleeps (`sleep`), and from the clock's ticks while a service does not answer:
 *
 *   poll ── process ── poll ──── commit hangs ······· ✗ ── backoff sleep ───── reconnect
 *   line        line        line   (tick) line  (tick) line      line     line
 */
export class ProgressReporter {
  private readonly line: ProgressLine;

  constructor(
    private readonly clock: ClockPort,
    private readonly logger: LoggerPort,
    private readonly settings: ProgressSettings,
    private readonly state: RunState,
    startedAtMs: number,
    private readonly memory?: MemoryUsagePort,
  ) {
    this.line = new ProgressLine(startedAtMs);
  }

  /** Logs a line now. */
  log(nowMs: number): void {
    this.logger.info('progress', this.line.next(this.view(nowMs)));
  }

  /** Logs a line when one is due. */
  logIfDue(nowMs: number): void {
    // An attempt to reach the sink is due: it logs its own line.
    const retryAtMs = this.state.sinkOutage?.retryAtMs;
    if (retryAtMs !== undefined && nowMs >= retryAtMs) return;
    if (nowMs - this.line.lastLoggedMs() >= this.settings.progressIntervalMs) this.log(nowMs);
  }

  /** Ticks let a line come while a service does not answer (a commit hanging on a dead broker); returns how to stop them. */
  startTicking(): () => void {
    const tickMs = Math.max(1, Math.floor(this.settings.progressIntervalMs / 4));
    return this.clock.every?.(tickMs, () => this.logIfDue(this.clock.now())) ?? ((): void => undefined);
  }

  /** Sleeps `ms`, logging lines when due meanwhile (the caller logs at the end, or the loop does). */
  async sleep(ms: number): Promise<void> {
    const until = this.clock.now() + ms;
    for (let now = this.clock.now(); now < until; now = this.clock.now()) {
      const nextLineMs = this.line.lastLoggedMs() + this.settings.progressIntervalMs;
      await this.clock.sleep(Math.min(until - now, Math.max(1, nextLineMs - now)));
      const after = this.clock.now();
      if (after < until) this.logIfDue(after);
    }
  }

  /** What the line shows now: the rebuild, a commit in flight for over an interval, an outage (the sink's first). */
  private view(nowMs: number): ProgressView {
    const s = this.state;
    const left = s.rebuildLeft();
    const memory = this.memory?.now();
    const committing = s.committing;
    const waiting =
      committing !== undefined && nowMs - committing.sinceMs >= this.settings.triggerIntervalMs
        ? { what: 'commit in progress', sinceMs: committing.sinceMs }
        : undefined;
    const outage = s.sinkOutage ?? s.sourceOutage;
    return {
      nowMs,
      // Re-read records count only once (in `reread`); so do those of a trigger the rebuild dropped.
      counters: s.totals(),
      state: s.engine.stateSize(),
      lag: s.lag,
      watermarks: s.engine.watermarks(),
      idleAdvanced: s.engine.idleAdvanced(),
      ...(s.rebuilding !== undefined ? { rebuilding: { reason: s.rebuilding, left } } : {}),
      ...(waiting !== undefined ? { waiting } : {}),
      ...(outage !== undefined ? { outage } : {}),
      ...(memory !== undefined ? { memory } : {}),
    };
  }
}
