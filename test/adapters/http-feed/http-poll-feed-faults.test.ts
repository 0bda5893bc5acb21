import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { HttpPollFeed } from '../../../src/adapters/http-feed/http-poll-feed.adapter';
import type { HttpPollOptions } from '../../../src/adapters/http-feed/http-poll-options';
import { ManualClock } from '../../../src/adapters/memory/manual-clock.adapter';
import type { ScriptedHttpServer, ScriptedReply } from '../../support/scripted-http-server';
import { inSequence, startScriptedHttpServer } from '../../support/scripted-http-server';
import { pollUntil } from './feed-polls';

const NOT_MODIFIED: ScriptedReply = { status: 304 };
const TEN_MB = 10 * 1024 * 1024;

function options(extra: Partial<HttpPollOptions> = {}): HttpPollOptions {
  return {
    everyMs: 5,
    timeoutMs: 10_000,
    maxPayloadBytes: 1024 * 1024,
    clock: new ManualClock(1_000),
    random: () => 0,
    retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 4 },
    ...extra,
  };
}

/** A loopback port nothing listens on (taken, then freed). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `condition` holds, checking every 10 ms, at most 200 times. */
async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await sleep(10);
  if (!condition()) throw new Error('the condition never held in 2 s');
}

describe('HttpPollFeed under faults', () => {
  let server: ScriptedHttpServer | undefined;
  let feed: HttpPollFeed | undefined;
  afterEach(async () => {
    await feed?.close();
    await server?.close();
    feed = undefined;
    server = undefined;
  });

  async function start(
    script: (n: number) => ScriptedReply,
    extra: Partial<HttpPollOptions> = {},
  ): Promise<HttpPollFeed> {
    server = await startScriptedHttpServer(script);
    feed = new HttpPollFeed(`${server.origin}/quotes`, options(extra));
    await feed.open();
    return feed;
  }

  it('reports a run of 500s as an outage, rejects each poll that ends on one, and loses nothing after', async () => {
    const boom: ScriptedReply = { status: 500, body: 'boom' };
    const f = await start(
      inSequence([boom, boom, boom, boom, boom, boom, { body: 'q1' }, { body: 'q2' }], NOT_MODIFIED),
    );
    const got = await pollUntil(f, (g) => g.payloads.length >= 2);
    const after = await pollUntil(f, (g) => g.polls === 2, 2, 20);
    expect(got.payloads).toEqual(['q1', 'q2']);
    // Two polls of three attempts each met only 500s.
    const rejection = {
      reason: 'status',
      detail: 'HTTP 500 Internal Server Error, after 3 attempts',
      raw: 'boom',
      receivedAtMs: 1_000,
    };
    expect(got.rejected).toEqual([rejection, rejection]);
    expect(got.outages).toContainEqual({ what: 'HTTP 500 Internal Server Error', sinceMs: 1_000 });
    expect(got.outages.at(-1)).toBeUndefined();
    expect(after.outages).toEqual([undefined, undefined]);
  });

  it('waits what Retry-After asks instead of a jittered backoff', async () => {
    let draws = 0;
    const busy: ScriptedReply = { status: 429, headers: { 'retry-after': '0' } };
    const f = await start(inSequence([busy, busy, { status: 503 }, { body: 'ok' }], NOT_MODIFIED), {
      retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 4 },
      random: () => {
        draws += 1;
        return 0;
      },
    });
    const got = await pollUntil(f, (g) => g.payloads.length >= 1);
    expect(got.payloads).toEqual(['ok']);
    expect(got.rejected).toEqual([]);
    // Only the 503 (no Retry-After) drew a jitter.
    expect(draws).toBe(1);
  });

  it('reports a refused connection as an outage and keeps trying', async () => {
    const port = await closedPort();
    feed = new HttpPollFeed(`http://127.0.0.1:${port}/quotes`, options());
    await feed.open();
    const got = await pollUntil(feed, (g) => g.outages.at(-1) !== undefined);
    expect(got.outages.at(-1)).toEqual({ what: 'connection refused (ECONNREFUSED)', sinceMs: 1_000 });
    expect(got.payloads).toEqual([]);
    expect(got.rejected).toEqual([]);
  });

  it('gives up a request whose answer does not come within the timeout, then recovers', async () => {
    const f = await start(inSequence([{ delayMs: 5_000, body: 'late' }, { body: 'fresh' }], NOT_MODIFIED), {
      timeoutMs: 500,
      retry: { attempts: 1 },
    });
    const got = await pollUntil(f, (g) => g.payloads.length >= 1);
    expect(got.payloads).toEqual(['fresh']);
    expect(got.rejected).toEqual([]);
    expect(got.outages).toContainEqual({ what: 'no complete answer within 500 ms', sinceMs: 1_000 });
  });

  it('times out a body that stops coming halfway', async () => {
    const f = await start(
      inSequence([{ body: '{"AAPL":{"quote"', stallAfterBytes: 8 }, { body: '{}' }], NOT_MODIFIED),
      {
        timeoutMs: 500,
      },
    );
    const got = await pollUntil(f, (g) => g.payloads.length >= 1);
    expect(got.payloads).toEqual(['{}']);
    expect(got.outages).toContainEqual({ what: 'no complete answer within 500 ms', sinceMs: 1_000 });
  });

  it('reports a connection dropped halfway through the body as an outage, and goes on', async () => {
    const f = await start(inSequence([{ body: '{"AAPL":{"quote"', dropAfterBytes: 8 }, { body: '{}' }], NOT_MODIFIED), {
      retry: { attempts: 1 },
    });
    const got = await pollUntil(f, (g) => g.payloads.length >= 1);
    expect(got.payloads).toEqual(['{}']);
    expect(got.rejected).toEqual([]);
    expect(got.outages).toContainEqual({ what: 'connection dropped before the body was complete', sinceMs: 1_000 });
  });

  it('rejects a 10 MB body as too large, declared or streamed, keeping its start, and goes on', async () => {
    const big = Buffer.alloc(TEN_MB, 'x');
    const f = await start(inSequence([{ body: big }, { body: big, chunked: true }, { body: 'small' }], NOT_MODIFIED));
    const got = await pollUntil(f, (g) => g.payloads.length >= 1);
    expect(got.payloads).toEqual(['small']);
    expect(got.rejected).toEqual([
      {
        reason: 'too-large',
        detail: 'body of 10,485,760 bytes, over the limit of 1,048,576 bytes',
        raw: 'x'.repeat(4096),
        receivedAtMs: 1_000,
      },
      {
        reason: 'too-large',
        detail: 'body over the limit of 1,048,576 bytes (no Content-Length): reading stopped there',
        raw: 'x'.repeat(4096),
        receivedAtMs: 1_000,
      },
    ]);
    expect(got.outages.every((o) => o === undefined)).toBe(true);
  });

  it('accepts a body of exactly the limit', async () => {
    const f = await start(inSequence([{ body: 'y'.repeat(1024), chunked: true }], NOT_MODIFIED), {
      maxPayloadBytes: 1024,
    });
    const got = await pollUntil(f, (g) => g.payloads.length >= 1);
    expect(got.payloads).toEqual(['y'.repeat(1024)]);
  });

  it('never has two requests under way, even when answers take longer than the interval', async () => {
    const bodies = ['a', 'b', 'c', 'd', 'e'];
    const f = await start(
      inSequence(
        bodies.map((body) => ({ body, delayMs: 40 })),
        { ...NOT_MODIFIED, delayMs: 40 },
      ),
      { everyMs: 1 },
    );
    const got = await pollUntil(f, (g) => g.payloads.length >= 5);
    expect(got.payloads).toEqual(bodies);
    expect(server?.maxConcurrent).toBe(1);
  });

  it('makes no request while its buffer is full, and resumes once polled', async () => {
    const f = await start((n) => ({ body: `p${n}` }), { maxBuffered: 2 });
    await waitFor(() => (server?.requests.length ?? 0) >= 2);
    // Give it time to make a third request it must not make.
    await sleep(100);
    expect(server?.requests.length).toBe(2);
    const got = await pollUntil(f, (g) => g.payloads.length >= 4);
    expect(got.payloads.slice(0, 4)).toEqual(['p0', 'p1', 'p2', 'p3']);
  });

  // The bound is the test's timeout: a close that waited for the answer or the request timeout would exceed it.
  it('closes with a request under way without waiting for it, and a poll after close returns at once', async () => {
    const f = await start(() => ({ delayMs: 30_000, body: 'never' }), { timeoutMs: 30_000 });
    await waitFor(() => (server?.requests.length ?? 0) >= 1);
    await f.close();
    expect(await f.poll(30_000)).toEqual({ payloads: [], rejected: [] });
  }, 5_000);
});
