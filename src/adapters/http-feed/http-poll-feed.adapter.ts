import { HexstreamError } from '../../domain/hexstream-error';
import { DEAD_LETTER_RAW_BYTES } from '../../domain/engine/dead-letter-raw';
import { redactUrl } from '../../domain/redaction/redact';
import type { FeedPayload, FeedPoll, FeedRejection, FeedSourcePort } from '../../ports/feed-source.port';
import { answerOutcome, statusRejection } from './answer-outcome';
import type { AnswerOutcome } from './answer-outcome';
import { requestUrl, tokenHeaders, tokenMask } from './feed-token';
import { httpGet } from './http-get';
import type { HttpAnswer, HttpGetLimits } from './http-get';
import { resolveHttpPollOptions } from './http-poll-options';
import type { HttpPollOptions, ResolvedHttpPollOptions } from './http-poll-options';
import { retryAfterMs, retryDelayMs, untilNextPollMs } from './retry-delay';
import { pause, WakeUp } from './wake-up';

const ACCEPT = 'application/json, application/x-ndjson;q=0.9, text/plain;q=0.8, */*;q=0.5';

/**
 * An HTTP endpoint polled with GET at a fixed rate, one request at a time.
 *
 *   poll n starts        poll n+1 starts at max(start n + everyMs, end of poll n)
 *   |--request--(retry)--|.........wait.........|--request--|
 *
 * A poll is up to `retry.attempts` requests: a network failure, a timeout, a 5xx or a 429 is
 * retried after a backoff with full jitter (or the `Retry-After` the server gave); the outage shows
 * in `unavailable` from the first failure until an answer that is not one of those. A 5xx or 429
 * still there after the last attempt becomes a `status` rejection; another non-2xx at once. A
 * `Retry-After` on that last answer also delays the next poll. Payloads and rejections wait in a
 * bounded buffer for `poll()`; while it is full no request is made (a quote endpoint serves its
 * current state, so a poll skipped loses nothing a later one does not bring).
 */
export class HttpPollFeed implements FeedSourcePort {
  private readonly options: ResolvedHttpPollOptions;
  private readonly url: URL;
  private readonly mask: (text: string) => string;
  private readonly limits: HttpGetLimits;
  private readonly stopping = new AbortController();
  private readonly arrivals = new WakeUp();
  private readonly room = new WakeUp();
  private payloads: FeedPayload[] = [];
  private rejected: FeedRejection[] = [];
  private outage: { readonly what: string; readonly sinceMs: number } | undefined;
  private etag: string | undefined;
  private loop: Promise<void> | undefined;

  constructor(url: string, options: HttpPollOptions) {
    this.options = resolveHttpPollOptions(options);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (e) {
      throw new HexstreamError('CONFIG_INVALID', `HTTP feed: ${redactUrl(url)} is not a URL`, { cause: e });
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw new HexstreamError('CONFIG_INVALID', `HTTP feed: ${redactUrl(url)} is not an http:// or https:// URL`);
    this.url = requestUrl(parsed, this.options.token);
    this.mask = tokenMask(this.options.token);
    this.limits = {
      timeoutMs: this.options.timeoutMs,
      maxBodyBytes: this.options.maxPayloadBytes,
      prefixBytes: DEAD_LETTER_RAW_BYTES,
    };
  }

  /** Starts polling (the first request goes out at once) and resolves without waiting for it. */
  async open(): Promise<void> {
    if (this.loop !== undefined || this.stopping.signal.aborted) return;
    this.loop = this.run();
  }

  async poll(maxWaitMs: number): Promise<FeedPoll> {
    if (this.buffered() === 0 && maxWaitMs > 0 && !this.stopping.signal.aborted) await this.arrivals.wait(maxWaitMs);
    const payloads = this.payloads;
    const rejected = this.rejected;
    this.payloads = [];
    this.rejected = [];
    this.room.wake();
    return this.outage === undefined ? { payloads, rejected } : { payloads, rejected, unavailable: this.outage };
  }

  /** Stops polling, cutting off a request under way, and resolves once nothing is left running. */
  async close(): Promise<void> {
    this.stopping.abort();
    this.room.wake();
    this.arrivals.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { signal } = this.stopping;
    const { clock, everyMs, maxBuffered } = this.options;
    while (!signal.aborted) {
      while (this.buffered() >= maxBuffered && !signal.aborted) await this.room.wait();
      if (signal.aborted) return;
      const startedAtMs = clock.now();
      let holdOffMs = 0;
      try {
        holdOffMs = await this.pollOnce(signal);
      } catch (e) {
        // A bug, not an outage of the server; shown as one rather than ending the feed silently.
        this.markOutage(`internal error: ${e instanceof Error ? e.message : String(e)}`, clock.now());
      }
      await pause(untilNextPollMs(startedAtMs, clock.now(), everyMs, holdOffMs), signal);
    }
  }

  /** One poll with its retries; resolves to how long the server asked to be left alone (0 if it did not). */
  private async pollOnce(signal: AbortSignal): Promise<number> {
    const { clock, retry, random, maxPayloadBytes } = this.options;
    for (let attempt = 1; ; attempt++) {
      const sentAtMs = clock.now();
      const result = await httpGet(this.url, this.headers(), this.limits, signal);
      if (signal.aborted) return 0;
      const nowMs = clock.now();
      const outcome: AnswerOutcome = result.ok
        ? answerOutcome(result.answer, maxPayloadBytes)
        : { kind: 'retry', what: result.what };
      if (outcome.kind !== 'retry') {
        this.outage = undefined;
        this.take(outcome, result.ok ? result.answer : undefined, nowMs);
        return 0;
      }
      // Down since the request that failed was sent (a timeout is noticed only at its end).
      this.markOutage(outcome.what, sentAtMs);
      const asked = result.ok ? retryAfterMs(result.answer.retryAfter, nowMs) : undefined;
      if (attempt >= retry.attempts) {
        if (result.ok) this.reject(statusRejection(result.answer, `after ${attempts(attempt)}`), nowMs);
        return asked === undefined ? 0 : Math.min(asked, retry.maxRetryAfterMs);
      }
      await pause(retryDelayMs(attempt, asked, retry, random), signal);
      if (signal.aborted) return 0;
    }
  }

  private take(outcome: AnswerOutcome, answer: HttpAnswer | undefined, nowMs: number): void {
    if (outcome.kind === 'payload') {
      // Only a body handed on counts as had: after a rejected one, asking again must bring it again.
      this.etag = answer?.etag;
      this.payloads.push({ text: outcome.text, receivedAtMs: nowMs });
      this.arrivals.wake();
    } else if (outcome.kind === 'rejected') {
      this.reject(outcome.rejection, nowMs);
    }
  }

  private reject(rejection: Omit<FeedRejection, 'receivedAtMs'>, nowMs: number): void {
    const { reason } = rejection;
    this.rejected.push({
      reason,
      detail: this.mask(rejection.detail),
      raw: this.mask(rejection.raw),
      receivedAtMs: nowMs,
    });
    this.arrivals.wake();
  }

  /** The outage keeps the time it began while its cause changes (500s, then refused). */
  private markOutage(what: string, nowMs: number): void {
    const began = this.outage === undefined;
    this.outage = { what: this.mask(what), sinceMs: this.outage?.sinceMs ?? nowMs };
    // A poll waiting for payloads returns at once with the news: the outage shows without delay.
    if (began) this.arrivals.wake();
  }

  private headers(): Record<string, string> {
    return {
      accept: ACCEPT,
      'user-agent': 'hexstream',
      ...tokenHeaders(this.options.token),
      ...(this.etag === undefined ? {} : { 'if-none-match': this.etag }),
    };
  }

  private buffered(): number {
    return this.payloads.length + this.rejected.length;
  }
}

function attempts(n: number): string {
  return n === 1 ? '1 attempt' : `${n} attempts`;
}
