import { HTTP_POLL_DEFAULTS } from '../../../src/adapters/http-feed/http-poll-options';
import type { RetryLimits } from '../../../src/adapters/http-feed/http-poll-options';
import { backoffMs, retryAfterMs, retryDelayMs, untilNextPollMs } from '../../../src/adapters/http-feed/retry-delay';

const LIMITS: RetryLimits = { attempts: 10, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 5_000 };

describe('retry delays', () => {
  it('draws the backoff uniformly below a ceiling that doubles per failure up to the cap', () => {
    const almostOne = 1 - 2 ** -20;
    // Ceilings 100, 200, 400, 800, then capped at 1000.
    expect([1, 2, 3, 4, 5, 9].map((n) => backoffMs(n, LIMITS, () => almostOne))).toEqual([99, 199, 399, 799, 999, 999]);
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, LIMITS, () => 0.5))).toEqual([50, 100, 200, 400, 500]);
    expect(backoffMs(3, LIMITS, () => 0)).toBe(0);
  });

  it('does not overflow after many failures', () => {
    expect(backoffMs(5_000, LIMITS, () => 0.5)).toBe(500);
  });

  it('reads Retry-After as seconds or as an HTTP date from now', () => {
    const now = Date.UTC(2015, 9, 21, 7, 28, 0);
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:27:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs('-5', now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });

  it('waits what the server asked, capped, and the backoff when it did not ask', () => {
    expect(retryDelayMs(1, 2_000, LIMITS, () => 0.5)).toBe(2_000);
    expect(retryDelayMs(1, 60_000, LIMITS, () => 0.5)).toBe(5_000);
    expect(retryDelayMs(2, undefined, LIMITS, () => 0.5)).toBe(100);
  });

  it('starts polls at a fixed rate, at once after a poll that ran long, never before a Retry-After', () => {
    expect(untilNextPollMs(10_000, 10_300, 1_000, 0)).toBe(700);
    expect(untilNextPollMs(10_000, 12_500, 1_000, 0)).toBe(0);
    expect(untilNextPollMs(10_000, 10_300, 1_000, 5_000)).toBe(5_000);
  });

  it('has defaults of four attempts, 0.5 s doubling to 30 s, Retry-After up to 5 minutes', () => {
    expect(HTTP_POLL_DEFAULTS.retry).toEqual({
      attempts: 4,
      baseDelayMs: 500,
      maxDelayMs: 30_000,
      maxRetryAfterMs: 300_000,
    });
  });
});
