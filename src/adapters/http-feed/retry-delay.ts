import type { RetryLimits } from './http-poll-options';

/**
 * The wait before the next attempt after `failures` failures in a row: full jitter, a uniform draw
 * in [0, min(maxDelayMs, baseDelayMs · 2^(failures−1))). Full jitter spreads the retries of many
 * clients after a shared outage instead of bringing them back in step.
 */
export function backoffMs(failures: number, limits: RetryLimits, random: () => number): number {
  const ceiling = Math.min(limits.maxDelayMs, limits.baseDelayMs * 2 ** Math.min(Math.max(failures - 1, 0), 30));
  return Math.floor(Math.min(Math.max(random(), 0), 1) * ceiling);
}

/**
 * A `Retry-After` header as milliseconds from `nowMs`: delay-seconds (`120`) or an HTTP date
 * (`Wed, 21 Oct 2015 07:28:00 GMT`, 0 once past); undefined when absent or unreadable.
 */
export function retryAfterMs(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Every HTTP date form begins with the day's name; Date.parse alone would take `-5` for a year.
  const at = /^[A-Za-z]{3}/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** The wait before retrying: what the server asked for (capped) when it said, else the backoff. */
export function retryDelayMs(
  failures: number,
  retryAfter: number | undefined,
  limits: RetryLimits,
  random: () => number,
): number {
  if (retryAfter !== undefined) return Math.min(retryAfter, limits.maxRetryAfterMs);
  return backoffMs(failures, limits, random);
}

/**
 * How long after a poll ends the next one starts: at a fixed rate from the last start, at once if
 * the poll ran past it (never two at a time, and no burst to catch up on missed ones), and not
 * before the `Retry-After` the last answer asked (`holdOffMs`, 0 if none).
 */
export function untilNextPollMs(startedAtMs: number, nowMs: number, everyMs: number, holdOffMs: number): number {
  return Math.max(startedAtMs + everyMs - nowMs, holdOffMs, 0);
}
