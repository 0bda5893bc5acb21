import type { FeedPoll } from '../../ports/feed-source.port';
import type { IngestCounters, IngestReading } from './ingest-settings';
import type { PendingBatch } from './pending-queue';

/** The sink's outage going on: since the first send that failed, and when the next attempt is due. */
export interface SinkOutage {
  readonly what: string;
  readonly sinceMs: number;
  readonly attempt: number;
  readonly retryAtMs: number;
}

type SourceOutage = NonNullable<FeedPoll['unavailable']>;

/**
 * An ingest run's counts and outages. Messages and dead letters count once the sink took them;
 * outage time is summed per side, the current outage included in every reading.
 */
export class IngestTally {
  payloads = 0;
  private messages = 0;
  private readonly deadLetters = new Map<string, number>();
  private source: SourceOutage | undefined;
  private sink: SinkOutage | undefined;
  private readonly doneMs = { source: 0, sink: 0 };

  sent(batch: PendingBatch): void {
    this.messages += batch.messages.length;
    for (const d of batch.deadLetters) this.deadLetters.set(d.reason, (this.deadLetters.get(d.reason) ?? 0) + 1);
  }

  counters(unchanged: number): IngestCounters {
    return {
      payloads: this.payloads,
      messages: this.messages,
      unchanged,
      deadLetters: Object.fromEntries(this.deadLetters),
    };
  }

  /**
   * Takes the feed's word on its outage. Returns what changed: the outage that began, or how long
   * the one that ended lasted. A new outage right after another ends the first when it began.
   */
  watchSource(unavailable: SourceOutage | undefined, nowMs: number): { began?: SourceOutage; endedAfterMs?: number } {
    const was = this.source;
    if (was !== undefined && unavailable?.sinceMs === was.sinceMs && unavailable.what === was.what) return {};
    this.source = unavailable;
    let endedAfterMs: number | undefined;
    if (was !== undefined) {
      const endMs = unavailable === undefined ? nowMs : Math.min(nowMs, Math.max(was.sinceMs, unavailable.sinceMs));
      endedAfterMs = Math.max(0, endMs - was.sinceMs);
      this.doneMs.source += endedAfterMs;
    }
    return {
      ...(unavailable === undefined ? {} : { began: unavailable }),
      ...(was === undefined ? {} : { endedAfterMs }),
    };
  }

  sinkOutage(): SinkOutage | undefined {
    return this.sink;
  }

  /** A send failed (it began at `beganMs`): the outage begins, or goes on with one more attempt. */
  sinkFailed(what: string, beganMs: number, nowMs: number, backoffMs: (attempt: number) => number): SinkOutage {
    const attempt = (this.sink?.attempt ?? 0) + 1;
    this.sink = { what, sinceMs: this.sink?.sinceMs ?? beganMs, attempt, retryAtMs: nowMs + backoffMs(attempt) };
    return this.sink;
  }

  /** A send succeeded: how long the sink's outage lasted, if there was one. */
  sinkBack(nowMs: number): number | undefined {
    const was = this.sink;
    if (was === undefined) return undefined;
    this.sink = undefined;
    const downMs = Math.max(0, nowMs - was.sinceMs);
    this.doneMs.sink += downMs;
    return downMs;
  }

  reading(nowMs: number, pending: number, unchanged: number): IngestReading {
    const current =
      this.sink !== undefined
        ? { side: 'sink' as const, ...this.sink }
        : this.source && { side: 'source' as const, ...this.source };
    const running = (o: { sinceMs: number } | undefined): number =>
      o === undefined ? 0 : Math.max(0, nowMs - o.sinceMs);
    return {
      nowMs,
      counters: this.counters(unchanged),
      pending,
      ...(current === undefined
        ? {}
        : { outage: { side: current.side, what: current.what, sinceMs: current.sinceMs } }),
      outageMs: { source: this.doneMs.source + running(this.source), sink: this.doneMs.sink + running(this.sink) },
    };
  }
}
