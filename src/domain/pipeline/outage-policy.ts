import type { ClockPort } from '../../ports/clock.port';
import type { LoggerPort } from '../../ports/logger.port';
import { HexstreamError, type ErrorCode } from '../hexstream-error';
import { seconds } from './progress-line';
import type { RunState } from './run-state';

/** Backoff between attempts to reach a service that went away: 0.5 s, 1 s, 2 s, … at most 10 s. */
export const OUTAGE_FIRST_BACKOFF_MS = 500;
export const OUTAGE_MAX_BACKOFF_MS = 10_000;

/** A service that went away mid-stream (a database or broker outage): worth waiting for. */
export function isUnavailable(e: unknown): e is HexstreamError {
  return e instanceof HexstreamError && (e.code === 'SINK_UNAVAILABLE' || e.code === 'SOURCE_UNAVAILABLE');
}

/** What a sink outage wait needs from the run around it. */
export interface OutageWaitHooks {
  /** Asked before each attempt: stopping gives up. */
  isStopped(): boolean;
  /** Logs a progress line now (showing the outage). */
  logProgress(nowMs: number): void;
  /** Sleeps, logging progress lines meanwhile. */
  sleep(ms: number): Promise<void>;
  /** One attempt to reach the service again and rebuild from its last commit; rejects while it is down. */
  reconnect(): Promise<void>;
}

/**
 * How long a service may stay away, for the source and the sink alike: capped exponential backoff
 * between attempts, a give-up once the outage lasted `maxOutageMs` (default: never), and the
 * instant the outage began, on processing time read from the clock.
 */
export class OutagePolicy {
  readonly maxOutageMs: number;

  constructor(
    private readonly clock: ClockPort,
    private readonly logger: LoggerPort,
    maxOutageMs: number | undefined,
  ) {
    this.maxOutageMs = maxOutageMs ?? Number.POSITIVE_INFINITY;
  }

  /** The pause before attempt `attempt` (1, 2, …), before the outage limit cuts it short. */
  static backoffMs(attempt: number): number {
    return Math.min(OUTAGE_FIRST_BACKOFF_MS * 2 ** Math.min(attempt - 1, 20), OUTAGE_MAX_BACKOFF_MS);
  }

  /** The pause before attempt `attempt`, ending no later than the give-up instant. */
  retryInMs(attempt: number, downMs: number): number {
    return Math.min(OutagePolicy.backoffMs(attempt), this.maxOutageMs - downMs);
  }

  /** The outage has lasted too long: the run gives up. */
  exceeded(downMs: number): boolean {
    return downMs >= this.maxOutageMs;
  }

  /** The error a run fails with when it gives up: the restart resumes from the last commit. */
  giveUp(code: ErrorCode, downMs: number, why: string, error: string, cause?: unknown): HexstreamError {
    const message = `unavailable for ${seconds(downMs)}, ${why}; a restart resumes from the last commit: ${error}`;
    return new HexstreamError(code, message, cause === undefined ? undefined : { cause });
  }

  /**
   * The source reports that it cannot reach its service and is reconnecting on its own (a broker
   * outage): logs when that begins and ends, and fails the run once it has lasted `maxOutageMs`.
   * An outage the sink saw first (`state.sinkOutageBeganMs`: the same broker, or a network gone)
   * began then.
   */
  watchSource(unavailable: string | undefined, state: RunState): void {
    const outage = state.sourceOutage;
    if (unavailable === undefined) {
      if (outage !== undefined) {
        const downMs = this.clock.now() - outage.sinceMs;
        state.outageDoneMs.source += Math.max(0, downMs);
        this.logger.warn('source available again', { downMs });
      }
      state.sourceOutage = undefined;
      state.sinkOutageBeganMs = undefined;
      return;
    }
    const now = this.clock.now();
    if (outage === undefined) {
      this.logger.warn('source unavailable; it reconnects on its own', { error: unavailable });
      const beganMs = state.sinkOutageBeganMs ?? now;
      state.sourceOutage = { service: 'source', sinceMs: Math.min(now, beganMs), error: unavailable };
      return;
    }
    const downMs = now - outage.sinceMs;
    if (this.exceeded(downMs)) {
      throw this.giveUp('SOURCE_UNAVAILABLE', downMs, this.limitText(), unavailable);
    }
    state.sourceOutage = { ...outage, error: unavailable };
  }

  /**
   * The database (or the broker behind the dead letters) went away mid-stream: waits for it with
   * capped exponential backoff, then rebuilds from what was committed, exactly as a restart
   * would. Gives up once it has been down for `maxOutageMs`, or when asked to stop meanwhile.
   * The outage began when the commit that failed began (or when the source lost its broker, if
   * earlier), not when the failure came back.
   *
   *   commit ✗ unavailable ─▶ wait 0.5 s, 1 s, 2 s … ≤ 10 s ─▶ sink.open() ✓ ─▶ rebuild, read on
   *                                  └─ down ≥ --max-outage, or stopped ─▶ fail (the alert goes out)
   */
  async waitOutSink(first: HexstreamError, state: RunState, hooks: OutageWaitHooks): Promise<void> {
    const sinceMs = Math.min(state.lastCommitStartMs, state.sourceOutage?.sinceMs ?? Infinity, this.clock.now());
    state.sinkOutageBeganMs = sinceMs;
    state.committing = undefined;
    let last = first;
    try {
      for (let attempt = 1; ; attempt++) {
        await this.pauseBeforeAttempt(attempt, sinceMs, last, state, hooks);
        try {
          await hooks.reconnect();
          const downMs = this.clock.now() - sinceMs;
          state.outageDoneMs.sink += Math.max(0, downMs);
          this.logger.warn('sink available again; rebuilt from the last commit', { downMs, attempts: attempt });
          return;
        } catch (e) {
          if (!isUnavailable(e)) throw e;
          last = e;
        }
      }
    } finally {
      state.sinkOutage = undefined;
    }
  }

  /** Gives up, or shows the outage and sleeps until attempt `attempt` is due. */
  private async pauseBeforeAttempt(
    attempt: number,
    sinceMs: number,
    last: HexstreamError,
    state: RunState,
    hooks: OutageWaitHooks,
  ): Promise<void> {
    const now = this.clock.now();
    const downMs = now - sinceMs;
    if (this.exceeded(downMs) || hooks.isStopped()) {
      const why = hooks.isStopped() ? 'stopped while waiting for it' : this.limitText();
      state.outageDoneMs.sink += Math.max(0, downMs);
      throw this.giveUp(last.code, downMs, why, last.message, last);
    }
    const retryInMs = this.retryInMs(attempt, downMs);
    state.sinkOutage = { service: 'sink', sinceMs, error: last.message, attempt, retryAtMs: now + retryInMs };
    this.logger.warn('sink unavailable; waiting for it', {
      error: last.message,
      downMs,
      attempt,
      retryInMs,
      maxOutageMs: Number.isFinite(this.maxOutageMs) ? this.maxOutageMs : undefined,
    });
    hooks.logProgress(now);
    await hooks.sleep(retryInMs);
  }

  private limitText(): string {
    return `longer than --max-outage ${seconds(this.maxOutageMs)}`;
  }
}
