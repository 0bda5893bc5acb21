import { HttpPollFeed } from '../../../src/adapters/http-feed/http-poll-feed.adapter';
import type { HttpPollOptions } from '../../../src/adapters/http-feed/http-poll-options';
import { ManualClock } from '../../../src/adapters/memory/manual-clock.adapter';
import type { ScriptedHttpServer, ScriptedReply, SeenRequest } from '../../support/scripted-http-server';
import { inSequence, startScriptedHttpServer } from '../../support/scripted-http-server';
import { pollUntil } from './feed-polls';

const NOT_MODIFIED: ScriptedReply = { status: 304 };

function options(extra: Partial<HttpPollOptions> = {}): HttpPollOptions {
  return {
    everyMs: 5,
    timeoutMs: 2_000,
    maxPayloadBytes: 1024,
    clock: new ManualClock(1_000),
    random: () => 0,
    ...extra,
  };
}

describe('HttpPollFeed', () => {
  let server: ScriptedHttpServer | undefined;
  let feed: HttpPollFeed | undefined;
  afterEach(async () => {
    await feed?.close();
    await server?.close();
    feed = undefined;
    server = undefined;
  });

  async function start(
    script: (n: number, request: SeenRequest) => ScriptedReply,
    extra: Partial<HttpPollOptions> = {},
    path = '/quotes',
  ): Promise<HttpPollFeed> {
    server = await startScriptedHttpServer(script);
    feed = new HttpPollFeed(`${server.origin}${path}`, options(extra));
    await feed.open();
    return feed;
  }

  it('hands on each body of a scripted sequence once, in order, stamped by the clock', async () => {
    const bodies = ['{"AAPL":{"quote":{"latestPrice":1}}}', '{"AAPL":{"quote":{"latestPrice":2}}}', '[]'];
    const f = await start(
      inSequence(
        bodies.map((body) => ({ body })),
        NOT_MODIFIED,
      ),
    );
    const got = await pollUntil(f, (g) => g.payloads.length >= 3);
    // Answers after the script are 304s: a few more polls bring nothing.
    const later = await pollUntil(f, (g) => g.polls === 3, 3, 20);
    expect(got.payloads).toEqual(bodies);
    expect(got.receivedAt).toEqual([1_000, 1_000, 1_000]);
    expect(got.rejected).toEqual([]);
    expect(later.payloads).toEqual([]);
    expect(later.outages).toEqual([undefined, undefined, undefined]);
  });

  it('sends the ETag of the last body back as If-None-Match, and a 304 brings nothing', async () => {
    const f = await start(
      inSequence(
        [
          { body: 'v1', headers: { etag: '"v1"' } },
          NOT_MODIFIED,
          NOT_MODIFIED,
          { body: 'v2', headers: { etag: 'W/"v2"' } },
          { body: 'v3' },
        ],
        NOT_MODIFIED,
      ),
    );
    const got = await pollUntil(f, (g) => g.payloads.length >= 3);
    await pollUntil(f, () => (server?.requests.length ?? 0) >= 6);
    expect(got.payloads).toEqual(['v1', 'v2', 'v3']);
    // After v3, which came without an ETag, there is nothing to send back.
    expect(server?.requests.slice(0, 6).map((r) => r.headers['if-none-match'])).toEqual([
      undefined,
      '"v1"',
      '"v1"',
      '"v1"',
      'W/"v2"',
      undefined,
    ]);
  });

  it('drops a UTF-8 byte order mark and rejects a body that is not UTF-8', async () => {
    const f = await start(
      inSequence(
        [
          { body: Buffer.from([0xef, 0xbb, 0xbf, 0x5b, 0x5d]) },
          { body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]) },
          { body: 'after' },
        ],
        NOT_MODIFIED,
      ),
    );
    const got = await pollUntil(f, (g) => g.payloads.length >= 2);
    expect(got.payloads).toEqual(['[]', 'after']);
    expect(got.rejected).toEqual([
      {
        reason: 'not-text',
        detail: 'body of 5 bytes is not UTF-8: invalid byte at offset 2',
        raw: '{"\uFFFD"}',
        receivedAtMs: 1_000,
      },
    ]);
  });

  it('rejects a 4xx at once with its body, and a redirect without following it', async () => {
    const f = await start(
      inSequence(
        [
          { status: 404, body: 'no such symbol' },
          { status: 301, headers: { location: '/v2/quotes' } },
          { body: 'fine' },
        ],
        NOT_MODIFIED,
      ),
    );
    const got = await pollUntil(f, (g) => g.payloads.length >= 1);
    expect(got.payloads).toEqual(['fine']);
    expect(got.rejected).toEqual([
      { reason: 'status', detail: 'HTTP 404 Not Found', raw: 'no such symbol', receivedAtMs: 1_000 },
      {
        reason: 'status',
        detail: 'HTTP 301 Moved Permanently, to /v2/quotes: redirects are not followed',
        raw: '',
        receivedAtMs: 1_000,
      },
    ]);
    expect(got.outages.every((o) => o === undefined)).toBe(true);
  });

  it('adds the token as a query parameter and masks it in what it reports', async () => {
    const token = 'pk_s3cr3t/+&=';
    const f = await start(
      (n) => (n === 0 ? { status: 401, body: 'unknown' } : NOT_MODIFIED),
      { token: { value: token, placement: { in: 'query', name: 'token' } } },
      '/stable/stock/market/batch?symbols=AAPL,MSFT&types=quote',
    );
    await pollUntil(f, (g) => g.rejected.length >= 1);
    const seen = server?.requests[0]?.url ?? '';
    expect(seen).toBe(`/stable/stock/market/batch?symbols=AAPL,MSFT&types=quote&token=${encodeURIComponent(token)}`);
    expect(new URL(seen, 'http://x').searchParams.get('token')).toBe(token);
  });

  it('masks a token the server echoes, as given and URL-encoded, in details and bodies', async () => {
    const token = 'pk_s3cr3t/+&=';
    const f = await start(
      (n, request) =>
        n === 0
          ? { status: 403, body: `refused ${request.url} (${String(request.headers['x-finnhub-token'])})` }
          : { status: 302, headers: { location: `/elsewhere?token=${encodeURIComponent(token)}` } },
      { token: { value: token, placement: { in: 'header', name: 'X-Finnhub-Token' } } },
      `/api/v1/quote?token=${encodeURIComponent(token)}`,
    );
    const got = await pollUntil(f, (g) => g.rejected.length >= 2);
    expect(server?.requests[0]?.headers['x-finnhub-token']).toBe(token);
    expect(got.rejected.slice(0, 2)).toEqual([
      {
        reason: 'status',
        detail: 'HTTP 403 Forbidden',
        raw: 'refused /api/v1/quote?token=*** (***)',
        receivedAtMs: 1_000,
      },
      {
        reason: 'status',
        detail: 'HTTP 302 Found, to /elsewhere?token=***: redirects are not followed',
        raw: '',
        receivedAtMs: 1_000,
      },
    ]);
    expect(JSON.stringify(got)).not.toContain('s3cr3t');
  });
});
