import { requestUrl, tokenHeaders, tokenMask } from '../../../src/adapters/http-feed/feed-token';
import { HttpPollFeed } from '../../../src/adapters/http-feed/http-poll-feed.adapter';
import { resolveHttpPollOptions } from '../../../src/adapters/http-feed/http-poll-options';
import type { HttpPollOptions } from '../../../src/adapters/http-feed/http-poll-options';
import { ManualClock } from '../../../src/adapters/memory/manual-clock.adapter';

const clock = new ManualClock();
const BASE: HttpPollOptions = { everyMs: 10_000, timeoutMs: 5_000, maxPayloadBytes: 4_194_304, clock };

describe('HTTP feed options', () => {
  it('fills in the defaults', () => {
    const resolved = resolveHttpPollOptions({ ...BASE, retry: { attempts: 2 } });
    expect({ ...resolved, random: typeof resolved.random }).toEqual({
      ...BASE,
      maxBuffered: 16,
      random: 'function',
      retry: { attempts: 2, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 300_000 },
    });
  });

  it.each([
    [{ everyMs: 0 }, 'HTTP feed: everyMs must be a whole number of at least 1, not 0'],
    [{ timeoutMs: 1.5 }, 'HTTP feed: timeoutMs must be a whole number of at least 1, not 1.5'],
    [{ retry: { attempts: 0 } }, 'HTTP feed: retry.attempts must be a whole number of at least 1, not 0'],
    [{ retry: { maxDelayMs: -1 } }, 'HTTP feed: retry.maxDelayMs must be 0 or more, not -1'],
    [
      { token: { value: 'abcd', placement: { in: 'header', name: 'X Token' } } },
      'HTTP feed: "X Token" is not a header name',
    ],
    [{ token: { value: '', placement: { in: 'query', name: 'token' } } }, 'HTTP feed: the token is empty'],
  ] as const)('refuses %j', (extra, message) => {
    expect(() => resolveHttpPollOptions({ ...BASE, ...extra })).toThrow(message);
  });

  it('refuses a token a header cannot carry without showing it', () => {
    const token = { value: 'sec\nret', placement: { in: 'header', name: 'X-Token' } } as const;
    expect(() => resolveHttpPollOptions({ ...BASE, token })).toThrow(
      'HTTP feed: the token holds a character the header X-Token cannot carry (printable ASCII only)',
    );
  });

  it('refuses a URL that is not http or https, masking a password in it', () => {
    expect(() => new HttpPollFeed('ws://u:pw@example.com/trades', BASE)).toThrow(
      'HTTP feed: ws://u:***@example.com/trades is not an http:// or https:// URL',
    );
    expect(() => new HttpPollFeed('quotes', BASE)).toThrow('HTTP feed: quotes is not a URL');
  });
});

describe('the token', () => {
  const query = { value: 'a b&c', placement: { in: 'query', name: 'api key' } } as const;
  const header = { value: 'abc123', placement: { in: 'header', name: 'X-Finnhub-Token' } } as const;

  it('is appended to the query as given, or set as a header', () => {
    expect(requestUrl(new URL('https://h/q?symbols=A,B'), query).href).toBe(
      'https://h/q?symbols=A,B&api%20key=a%20b%26c',
    );
    expect(requestUrl(new URL('https://h/q'), query).href).toBe('https://h/q?api%20key=a%20b%26c');
    expect(requestUrl(new URL('https://h/q?x=1'), header).href).toBe('https://h/q?x=1');
    expect(tokenHeaders(header)).toEqual({ 'X-Finnhub-Token': 'abc123' });
    expect(tokenHeaders(query)).toEqual({});
  });

  it('is masked as given and in both URL encodings', () => {
    expect(tokenMask(query)('a b&c | a%20b%26c | a+b%26c')).toBe('*** | *** | ***');
    expect(tokenMask(undefined)('a b&c')).toBe('a b&c');
  });
});
