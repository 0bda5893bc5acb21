import type { ClockPort } from '../../ports/clock.port';
import type { FeedSinkPort } from '../../ports/feed-sink.port';
import type { FeedPoll, FeedSourcePort } from '../../ports/feed-source.port';
import type { LoggerPort } from '../../ports/logger.port';
import { HexstreamError } from '../hexstream-error';
import { isUnavailable, OutagePolicy } from '../pipeline/outage-policy';
import type { StopToken } from '../pipeline/pipeline-settings';
import { thrownMessage } from '../engine/thrown-message';
import { splitPayload } from './feed-formats';
import { IngestProgressLine } from './ingest-progress';
import type { IngestReading, IngestReport, IngestSettings } from './ingest-settings';
import { IngestTally } from './ingest-tally';
import { deadLetter } from './market-messages';
import { PendingQueue } from './pending-queue';
import { UnchangedQuotes } from './unchanged-quotes';

/** How long one `poll` may wait for a payload: how soon a stop or a due send is noticed. */
export const POLL_WAIT_MS = 500;
/** Messages and dead letters per `send`: a broker request stays small whatever is pending. */
export const SEND_BATCH = 500;
/** How long a stop waits for a sink that is down to take what is pending before giving up. */
export const STOP_FLUSH_MS = 10_000;

/** What was thrown, as an Error to throw again (a port that throws a non-Error is a bug: said as such). */
function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new HexstreamError('INTERNAL', thrownMessage(thrown), { cause: thrown });
}

/**
 * `ingest`: reads a feed, splits each payload into messages (`splitPayload`), drops unchanged
 * quotes and sends the rest and the dead letters to the sink, until stopped.
 *
 *   feed.poll ─▶ split ─▶ drop unchanged ─▶ pending ─▶ sink.send ─▶ counted
 *                                             ▲   │ SINK_UNAVAILABLE: kept, sent again
 *                                             └───┘ after 0.5 s, 1 s, … 10 s (in order)
 *
 * While `maxPending` items wait, the feed is not polled (its own buffer is bounded, so an HTTP
 * feed skips polls and a WebSocket feed stops reading): nothing is taken that cannot be kept.
 * A stop takes what the feed still holds, closes it, sends what is pending (waiting at most
 * `STOP_FLUSH_MS` for a sink that is down: then the run fails with `SINK_UNAVAILABLE`, saying how
 * much was not sent) and closes the sink.
 */
export class IngestPipeline {
  private readonly pending = new PendingQueue();
  private readonly unchanged: UnchangedQuotes;
  private readonly tally = new IngestTally();
  private progress: IngestProgressLine;

  constructor(
    private readonly feed: FeedSourcePort,
    private readonly sink: FeedSinkPort,
    private readonly clock: ClockPort,
    private readonly logger: LoggerPort,
    private readonly settings: IngestSettings,
  ) {
    this.unchanged = new UnchangedQuotes(settings.maxRemembered);
    this.progress = new IngestProgressLine(clock.now());
  }

  /** The run's figures now (for `/metrics`); callable at any time, before and after `run`. */
  reading(): IngestReading {
    return this.tally.reading(this.clock.now(), this.pending.size, this.unchanged.unchanged());
  }

  async run(stop: StopToken): Promise<IngestReport> {
    const startedAtMs = this.clock.now();
    this.progress = new IngestProgressLine(startedAtMs);
    const { format, from, to } = this.settings;
    this.logger.info('ingest started', { format, from, to });
    await this.sink.open();
    try {
      await this.feed.open();
    } catch (e) {
      await this.closeQuietly('sink', this.sink);
      throw e;
    }
    const tickMs = Math.max(1, Math.floor(this.settings.progressIntervalMs / 4));
    const stopTicking = this.clock.every?.(tickMs, () => this.logProgressIfDue()) ?? ((): void => undefined);
    let failure: Error | undefined;
    try {
      await this.loop(stop);
      // What the feed holds already arrived: it is taken before the feed closes.
      await this.take(await this.feed.poll(0));
    } catch (e) {
      failure = asError(e);
    } finally {
      stopTicking();
    }
    await this.closeQuietly('feed', this.feed);
    failure ??= await this.flush();
    await this.closeQuietly('sink', this.sink);
    this.logProgress();
    if (failure !== undefined) throw failure;
    const endMs = this.clock.now();
    const counters = this.tally.counters(this.unchanged.unchanged());
    this.logger.info('ingest stopped', { elapsedMs: endMs - startedAtMs, messages: counters.messages });
    return { startedAtMs, elapsedMs: endMs - startedAtMs, counters };
  }

  private async loop(stop: StopToken): Promise<void> {
    while (!stop.isStopped()) {
      if (this.pending.size < this.settings.maxPending) await this.take(await this.feed.poll(POLL_WAIT_MS));
      else await this.clock.sleep(this.untilRetryMs(POLL_WAIT_MS));
      if (this.sendDue()) await this.sendPending();
      this.logProgressIfDue();
    }
  }

  /** Splits what one poll brought into pending messages and dead letters; notes the feed's outage. */
  private async take(poll: FeedPoll): Promise<void> {
    const nowMs = this.clock.now();
    const change = this.tally.watchSource(poll.unavailable, nowMs);
    if (change.endedAfterMs !== undefined) this.logger.info('feed available again', { downMs: change.endedAfterMs });
    if (change.began !== undefined)
      this.logger.warn('feed unavailable', { what: change.began.what, sinceMs: change.began.sinceMs });
    this.tally.payloads += poll.payloads.length;
    for (const payload of poll.payloads) {
      const split = splitPayload(this.settings.format, payload);
      this.pending.push(this.unchanged.keep(split.messages), split.deadLetters);
    }
    const rejected = poll.rejected.map((r) => deadLetter(r.reason, r.detail, r.raw, r.receivedAtMs));
    this.pending.push([], rejected);
  }

  /** Whether something is pending and the sink may be tried now (not waiting out a backoff). */
  private sendDue(): boolean {
    const outage = this.tally.sinkOutage();
    return this.pending.size > 0 && (outage === undefined || this.clock.now() >= outage.retryAtMs);
  }

  /** Milliseconds until the sink's next attempt, at most `capMs` and at least 1. */
  private untilRetryMs(capMs: number): number {
    const retryAtMs = this.tally.sinkOutage()?.retryAtMs ?? 0;
    return Math.max(1, Math.min(capMs, retryAtMs - this.clock.now()));
  }

  /** Sends pending batches, oldest first, until none is left or the sink is unavailable. */
  private async sendPending(): Promise<void> {
    while (this.pending.size > 0) {
      const batch = this.pending.peek(SEND_BATCH);
      const beganMs = this.clock.now();
      try {
        await this.sink.send(batch.messages, batch.deadLetters);
      } catch (e) {
        if (!isUnavailable(e)) throw e;
        const outage = this.tally.sinkFailed(thrownMessage(e), beganMs, this.clock.now(), (attempt) =>
          OutagePolicy.backoffMs(attempt),
        );
        const level = outage.attempt === 1 ? 'warn' : 'info';
        this.logger[level]('sink unavailable', {
          error: outage.what,
          attempt: outage.attempt,
          retryInMs: outage.retryAtMs - this.clock.now(),
          pending: this.pending.size,
        });
        return;
      }
      this.pending.drop(batch.count);
      this.tally.sent(batch);
      const downMs = this.tally.sinkBack(this.clock.now());
      if (downMs !== undefined) this.logger.info('sink available again', { downMs, pending: this.pending.size });
    }
  }

  /** On stop: sends what is pending, waiting out the sink's backoff for at most `STOP_FLUSH_MS`. */
  private async flush(): Promise<Error | undefined> {
    const deadline = this.clock.now() + STOP_FLUSH_MS;
    try {
      while (this.pending.size > 0 && this.clock.now() < deadline) {
        if (this.sendDue()) await this.sendPending();
        else await this.clock.sleep(this.untilRetryMs(deadline - this.clock.now()));
        this.logProgressIfDue();
      }
    } catch (e) {
      return asError(e);
    }
    if (this.pending.size === 0) return undefined;
    const why = this.tally.sinkOutage()?.what ?? 'no answer';
    return new HexstreamError(
      'SINK_UNAVAILABLE',
      `stopped with ${this.pending.size} messages and dead letters not sent: the sink was unavailable for ${STOP_FLUSH_MS / 1000} s after the stop: ${why}`,
    );
  }

  private logProgressIfDue(): void {
    if (this.clock.now() - this.progress.lastLoggedMs() >= this.settings.progressIntervalMs) this.logProgress();
  }

  private logProgress(): void {
    this.logger.info('ingest progress', this.progress.next(this.reading()));
  }

  private async closeQuietly(what: 'feed' | 'sink', port: { close(): Promise<void> }): Promise<void> {
    try {
      await port.close();
    } catch (e) {
      this.logger.error(`closing the ${what} failed`, { error: thrownMessage(e) });
    }
  }
}
