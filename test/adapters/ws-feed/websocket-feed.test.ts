import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ManualClock } from '../../../src/adapters/memory/manual-clock.adapter';
import { WebSocketFeed } from '../../../src/adapters/ws-feed/websocket-feed.adapter';
import type { WebSocketFeedOptions } from '../../../src/adapters/ws-feed/websocket-feed-options';
import type { FeedPoll, FeedRejection } from '../../../src/ports/feed-source.port';
import { errorWith } from '../../support/matchers';
import { ScriptedWsServer, until } from '../../support/scripted-ws-server';

const TOKEN = 's3cret-token-123';
const NOW = 5000;

/** Everything a feed gave over successive polls. */
class FeedReader {
  readonly texts: string[] = [];
  readonly rejected: FeedRejection[] = [];
  /** Each outage seen, once per change of `what`. */
  readonly outages: { what: string; sinceMs: number }[] = [];
  readonly polls: FeedPoll[] = [];
  last: FeedPoll | undefined;

  constructor(private readonly feed: WebSocketFeed) {}

  async readUntil(condition: (r: FeedReader) => boolean, maxMs: number, what: string): Promise<void> {
    const deadline = Date.now() + maxMs;
    while (!condition(this)) {
      if (Date.now() > deadline)
        throw new Error(`waited ${maxMs} ms for ${what}; got ${JSON.stringify(this.texts).slice(0, 500)}`);
      await this.pollOnce(20);
    }
  }

  async pollOnce(maxWaitMs: number): Promise<FeedPoll> {
    const got = await this.feed.poll(maxWaitMs);
    this.polls.push(got);
    this.last = got;
    this.texts.push(...got.payloads.map((p) => p.text));
    this.rejected.push(...got.rejected);
    const outage = got.unavailable;
    if (outage !== undefined && outage.what !== this.outages.at(-1)?.what) this.outages.push({ ...outage });
    return got;
  }
}

const feeds: WebSocketFeed[] = [];
const servers: ScriptedWsServer[] = [];

async function serve(...args: Parameters<typeof ScriptedWsServer.start>): Promise<ScriptedWsServer> {
  const server = await ScriptedWsServer.start(...args);
  servers.push(server);
  return server;
}

async function openFeed(
  url: string,
  options: Partial<WebSocketFeedOptions> = {},
): Promise<{ feed: WebSocketFeed; reader: FeedReader }> {
  const feed = new WebSocketFeed({
    url,
    clock: new ManualClock(NOW),
    silenceMs: 2000,
    backoff: { initialMs: 100, maxMs: 200 },
    random: () => 0.5,
    ...options,
  });
  feeds.push(feed);
  await feed.open();
  return { feed, reader: new FeedReader(feed) };
}

afterEach(async () => {
  for (const feed of feeds.splice(0)) await feed.close();
  for (const server of servers.splice(0)) await server.close();
});

const SUBSCRIBE = ['{"type":"subscribe","symbol":"BINANCE:BTCUSDT"}', '{"type":"subscribe","symbol":"AAPL"}'];
const TRADE = '{"type":"trade","data":[{"s":"BINANCE:BTCUSDT","p":7296.89,"t":1575526691134,"v":0.011467}]}';

describe('WebSocketFeed', () => {
  it('subscribes, then delivers each message as one payload in order, and not the application pings', async () => {
    const server = await serve((c) => {
      for (const text of [
        TRADE,
        '{"type":"ping"}',
        'not json {',
        ' { "type" : "ping" } ',
        '{"type":"ping","x":1}',
        'last',
      ])
        c.socket.send(text);
    });
    const { reader } = await openFeed(server.url, {
      subscribe: SUBSCRIBE,
      token: { value: TOKEN, placement: { in: 'query', name: 'token' } },
    });
    await reader.readUntil((r) => r.texts.length >= 4, 5000, 'four payloads');
    await until(() => server.connections[0]?.received.length === 2, 5000, 'the subscriptions');

    expect(reader.texts).toEqual([TRADE, 'not json {', '{"type":"ping","x":1}', 'last']);
    expect(reader.rejected).toEqual([]);
    expect(reader.polls.flatMap((p) => p.payloads.map((x) => x.receivedAtMs))).toEqual([NOW, NOW, NOW, NOW]);
    expect(server.connections.map((c) => [c.path, c.received])).toEqual([[`/stream?token=${TOKEN}`, SUBSCRIBE]]);
    expect(reader.outages).toEqual([]);
  }, 10_000);

  it('puts the token in a header when told to, and not in the URL', async () => {
    const server = await serve((c) => c.socket.send('a'));
    const { reader } = await openFeed(server.url, {
      token: { value: TOKEN, placement: { in: 'header', name: 'X-Finnhub-Token' } },
    });
    await reader.readUntil((r) => r.texts.length === 1, 5000, 'one payload');

    expect(server.connections.map((c) => [c.path, c.headers['x-finnhub-token']])).toEqual([['/stream', TOKEN]]);
  }, 10_000);

  it('reconnects after the server drops the connection, subscribes again and reports the outage meanwhile', async () => {
    const server = await serve((c, n) => {
      if (n === 0) {
        c.socket.send('a');
        c.socket.send('b', () => setTimeout(() => c.socket.terminate(), 20));
      } else c.socket.send('c');
    });
    const { reader } = await openFeed(server.url, { subscribe: SUBSCRIBE });
    await reader.readUntil((r) => r.texts.length === 3, 5000, 'three payloads');
    await until(() => server.connections[1]?.received.length === 2, 5000, 'the second subscriptions');

    expect(reader.texts).toEqual(['a', 'b', 'c']);
    expect(server.connections.map((c) => c.received)).toEqual([SUBSCRIBE, SUBSCRIBE]);
    expect(reader.outages).toEqual([{ what: 'connection dropped without a close frame', sinceMs: NOW }]);
    expect(reader.last?.unavailable).toBeUndefined();
  }, 10_000);

  it('replaces a connection that goes silent; application pings keep the new one alive', async () => {
    const pinging: NodeJS.Timeout[] = [];
    const server = await serve((c, n) => {
      c.socket.send(`hello ${n}`);
      if (n === 1) pinging.push(setInterval(() => c.socket.send('{"type":"ping"}'), 30));
    });
    try {
      const { reader } = await openFeed(server.url, { subscribe: SUBSCRIBE, silenceMs: 150 });
      await reader.readUntil((r) => r.texts.length === 2, 5000, 'a payload from a second connection');
      // Well past two silence periods: the pinging connection must stay.
      const settled = Date.now() + 450;
      await reader.readUntil(() => Date.now() > settled, 5000, 'the silence periods to pass');

      expect(reader.texts).toEqual(['hello 0', 'hello 1']);
      expect(server.connections.map((c) => c.received)).toEqual([SUBSCRIBE, SUBSCRIBE]);
      expect(reader.outages).toEqual([{ what: 'silent: nothing received for 150 ms', sinceMs: NOW }]);
      expect(reader.last?.unavailable).toBeUndefined();
    } finally {
      pinging.forEach(clearInterval);
    }
  }, 10_000);

  it('stays unavailable across reconnections to a server that accepts and says nothing', async () => {
    const server = await serve(() => undefined);
    const { reader } = await openFeed(server.url, {
      subscribe: SUBSCRIBE,
      silenceMs: 100,
      backoff: { initialMs: 20, maxMs: 40 },
    });
    await reader.readUntil(() => server.connections[2]?.received.length === 2, 5000, 'a third connection');
    await reader.pollOnce(0);
    const fromFirstOutage = reader.polls.slice(reader.polls.findIndex((p) => p.unavailable !== undefined));

    expect(reader.outages).toEqual([{ what: 'silent: nothing received for 100 ms', sinceMs: NOW }]);
    expect(fromFirstOutage.filter((p) => p.unavailable === undefined)).toEqual([]);
    expect(server.connections.slice(0, 3).map((c) => c.received)).toEqual([SUBSCRIBE, SUBSCRIBE, SUBSCRIBE]);
  }, 10_000);

  it('answers protocol pings, and they count as life', async () => {
    let sent = 0;
    const server = await serve((c) => {
      const timer = setInterval(() => {
        if (sent === 15) clearInterval(timer);
        else {
          sent++;
          c.socket.ping();
        }
      }, 30);
    });
    const { reader } = await openFeed(server.url, { silenceMs: 150 });
    await until(() => sent === 15 && server.connections[0]?.pongs === 15, 5000, 'fifteen pongs');
    await reader.pollOnce(0);

    expect(server.connections.length).toBe(1);
    expect(reader.outages).toEqual([]);
  }, 10_000);

  it('rejects a message that is not UTF-8, text or binary, and keeps the connection', async () => {
    const server = await serve((c) => {
      c.socket.send(Buffer.from('{"p":1}'), { binary: true });
      c.socket.send(Buffer.from([0xff, 0xfe, 0x41]), { binary: true });
      c.socket.send(Buffer.from([0x61, 0xc3, 0x28]), { binary: false });
      c.socket.send('after');
    });
    const { reader } = await openFeed(server.url);
    await reader.readUntil((r) => r.texts.length === 2, 5000, 'two payloads');

    expect(reader.texts).toEqual(['{"p":1}', 'after']);
    expect(reader.rejected).toEqual([
      {
        reason: 'not-text',
        detail: 'binary message of 3 bytes is not UTF-8 (invalid at byte 0)',
        raw: '\ufffd\ufffdA',
        receivedAtMs: NOW,
      },
      {
        reason: 'not-text',
        detail: 'text message of 3 bytes is not UTF-8 (invalid at byte 1)',
        raw: 'a\ufffd(',
        receivedAtMs: NOW,
      },
    ]);
    expect(server.connections.length).toBe(1);
    expect(reader.outages).toEqual([]);
  }, 10_000);

  it('refuses a message over the limit unread, reconnects and goes on', async () => {
    const server = await serve((c, n) => {
      if (n === 0) {
        c.socket.send('x'.repeat(1024));
        c.socket.send('y'.repeat(1025));
      } else c.socket.send('z');
    });
    const { reader } = await openFeed(server.url, { maxPayloadBytes: 1024 });
    await reader.readUntil((r) => r.texts.length === 2, 5000, 'two payloads');

    expect(reader.texts).toEqual(['x'.repeat(1024), 'z']);
    expect(reader.rejected).toEqual([
      {
        reason: 'too-large',
        detail: 'message over the limit of 1024 bytes, refused unread; the connection is reopened',
        raw: '',
        receivedAtMs: NOW,
      },
    ]);
    expect(server.connections[0]?.closedWith?.code).toBe(1009);
    expect(reader.outages).toEqual([{ what: 'closed after a message over 1024 bytes', sinceMs: NOW }]);
  }, 10_000);

  it('refuses a 10 MB message with the default limit of 4 MiB', async () => {
    const server = await serve((c, n) => c.socket.send(n === 0 ? 'q'.repeat(10 * 1024 * 1024) : 'ok'));
    const { reader } = await openFeed(server.url);
    await reader.readUntil((r) => r.texts.length === 1, 8000, 'the payload after the big one');

    expect(reader.texts).toEqual(['ok']);
    expect(reader.rejected.map((r) => [r.reason, r.detail])).toEqual([
      ['too-large', 'message over the limit of 4194304 bytes, refused unread; the connection is reopened'],
    ]);
  }, 15_000);

  it('never shows the token, in a close reason nor in a refused handshake', async () => {
    const server = await serve(
      (c, n) => {
        if (n === 0) c.socket.close(1008, `token ${TOKEN} is not allowed`);
        else c.socket.send('a');
      },
      { refuse: (n) => (n === 1 ? 401 : undefined) },
    );
    const { reader } = await openFeed(server.url, {
      token: { value: TOKEN, placement: { in: 'query', name: 'token' } },
    });
    await reader.readUntil((r) => r.texts.length === 1, 5000, 'a payload');

    expect(reader.outages).toEqual([
      { what: 'connection closed by the server (1008 policy violation: token *** is not allowed)', sinceMs: NOW },
      { what: 'cannot connect: Unexpected server response: 401', sinceMs: NOW },
    ]);
    expect(JSON.stringify(reader.polls)).not.toContain(TOKEN);
  }, 10_000);

  it('reports an outage while nothing listens, and connects once a server does', async () => {
    const port = await freePort();
    const { reader } = await openFeed(`ws://127.0.0.1:${port}/stream`, { subscribe: SUBSCRIBE });
    await reader.readUntil((r) => r.outages.length === 1, 5000, 'an outage');
    const server = await serve((c) => c.socket.send('a'), { port });
    await reader.readUntil((r) => r.texts.length === 1, 5000, 'a payload');
    await until(() => server.connections[0]?.received.length === 2, 5000, 'the subscriptions');

    expect(reader.outages).toEqual([{ what: `cannot connect: connect ECONNREFUSED 127.0.0.1:${port}`, sinceMs: NOW }]);
    expect(server.connections.map((c) => c.received)).toEqual([SUBSCRIBE]);
    expect(reader.last?.unavailable).toBeUndefined();
  }, 10_000);

  it('stops reading while its buffer is full, and loses nothing', async () => {
    const size = 64 * 1024;
    const count = 400;
    const message = (i: number): string => String(i).padStart(8, '0') + '.'.repeat(size - 8);
    let written = 0;
    const server = await serve((c) => {
      for (let i = 0; i < count; i++) c.socket.send(message(i), () => written++);
    });
    const { reader } = await openFeed(server.url, { maxBufferedBytes: 4 * size });
    await until(() => server.connections.length === 1, 5000, 'the connection');
    // The server's writes stall once the socket buffers between them are full: the feed stopped
    // reading (one that never paused would take all 25 MiB, and the writes would all complete).
    let seen = -1;
    let stableSince = Date.now();
    await until(
      () => {
        if (written !== seen) [seen, stableSince] = [written, Date.now()];
        return written < count && Date.now() - stableSince > 300;
      },
      8000,
      'the server to stall on a paused reader',
    );
    const first = await reader.pollOnce(0);
    await reader.readUntil((r) => r.texts.length === count, 10_000, 'every message');

    expect(written).toBe(count);
    expect(first.payloads.length).toBeGreaterThanOrEqual(4);
    expect(first.payloads.length).toBeLessThanOrEqual(6);
    expect(reader.texts).toEqual(Array.from({ length: count }, (_, i) => message(i)));
  }, 20_000);

  it('closes with a close frame and does not reconnect', async () => {
    const server = await serve((c) => c.socket.send('a'));
    const { feed, reader } = await openFeed(server.url);
    await reader.readUntil((r) => r.texts.length === 1, 5000, 'a payload');
    await feed.close();
    await until(() => server.connections[0]?.closedWith !== undefined, 5000, 'the close');
    const after = await feed.poll(60_000);
    const settled = Date.now() + 300;
    await until(() => Date.now() > settled, 1000, 'time for a reconnection');

    expect(server.connections.map((c) => c.closedWith)).toEqual([{ code: 1000, reason: '' }]);
    expect(after).toEqual({ payloads: [], rejected: [] });
  }, 10_000);

  it('refuses a URL that is not ws:// or wss://', () => {
    expect(() => new WebSocketFeed({ url: 'http://127.0.0.1/x', clock: new ManualClock() })).toThrow(
      errorWith({ code: 'CONFIG_INVALID', message: 'a WebSocket feed needs a ws:// or wss:// URL' }),
    );
  });
});

/** A loopback port that nothing listens on (opened by this file, so the unit tier allows it). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
