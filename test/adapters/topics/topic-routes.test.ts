import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HexstreamError } from '../../../src/domain/hexstream-error';
import { topicRoutes } from '../../../src/adapters/topics/topic-routes';
import type { HttpBody, HttpRoute } from '../../../src/ports/http-endpoint.port';
import type { BrowsedMessage, BrowseFrom, TopicBrowserPort, TopicSummary } from '../../../src/ports/topic-browser.port';

const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text));
const T0 = Date.UTC(2026, 0, 1);

/** A broker in memory: each topic's partitions hold messages from offset `low`; records every read. */
class FakeBrowser implements TopicBrowserPort {
  readonly reads: Array<[string, number, BrowseFrom, number]> = [];
  failing = false;

  constructor(private readonly data: Map<string, Map<number, { low: number; messages: BrowsedMessage[] }>>) {}

  topics(): Promise<readonly TopicSummary[]> {
    if (this.failing)
      return Promise.reject(new HexstreamError('SOURCE_UNAVAILABLE', 'cannot list the topics on b:1: down'));
    return Promise.resolve(
      [...this.data].map(([name, parts]) => ({
        name,
        partitions: [...parts].map(([partition, p]) => ({ partition, low: p.low, high: p.low + p.messages.length })),
      })),
    );
  }

  messages(topic: string, partition: number, from: BrowseFrom, limit: number): Promise<readonly BrowsedMessage[]> {
    this.reads.push([topic, partition, from, limit]);
    const all = this.data.get(topic)?.get(partition)?.messages ?? [];
    const start =
      'offset' in from
        ? all.findIndex((m) => m.offset >= from.offset)
        : all.findIndex((m) => m.timestampMs >= from.timestampMs);
    return Promise.resolve(start < 0 ? [] : all.slice(start, start + limit));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function message(
  partition: number,
  offset: number,
  value: string | Uint8Array | null,
  extra: Partial<BrowsedMessage> = {},
): BrowsedMessage {
  return {
    partition,
    offset,
    timestampMs: T0 + offset * 1000,
    key: null,
    value: typeof value === 'string' ? bytes(value) : value,
    headers: [],
    ...extra,
  };
}

/** Dead letters at offsets 0..11, reasons cycling invalid, late, duplicate. */
function deadLetters(): BrowsedMessage[] {
  const reasons = ['invalid', 'late', 'duplicate'];
  return Array.from({ length: 12 }, (_, i) =>
    message(0, i, `raw ${i}`, { headers: [{ name: 'reason', value: bytes(reasons[i % 3] ?? '') }] }),
  );
}

function fixture(): FakeBrowser {
  return new FakeBrowser(
    new Map([
      [
        'orders',
        new Map([
          [
            0,
            { low: 0, messages: Array.from({ length: 5 }, (_, i) => message(0, i, `{"orderid":${i},"price":12.50}`)) },
          ],
          [1, { low: 100, messages: [message(1, 100, new Uint8Array([0, 1, 254, 255]), { key: bytes('k1') })] }],
        ]),
      ],
      ['orders.dead-letter', new Map([[0, { low: 0, messages: deadLetters() }]])],
    ]),
  );
}

async function get(routes: readonly HttpRoute[], path: string, query: Record<string, string> = {}): Promise<HttpBody> {
  const route = routes.find((r) => r.path === path);
  if (route === undefined) throw new Error(`no route ${path}`);
  const response = await route.handle({ path, query: new Map(Object.entries(query)) });
  if (!('body' in response)) throw new Error('expected a whole body');
  return response;
}

async function getJson(
  routes: readonly HttpRoute[],
  path: string,
  query: Record<string, string> = {},
): Promise<[number, Record<string, unknown>]> {
  const r = await get(routes, path, query);
  expect(r.contentType).toBe('application/json; charset=utf-8');
  return [r.status, JSON.parse(String(r.body)) as Record<string, unknown>];
}

describe('the topic browser routes', () => {
  it('list the topics with their partitions, message counts and which hold dead letters', async () => {
    const routes = topicRoutes({ browser: fixture(), deadLetterTopics: [] });
    expect(await getJson(routes, '/api/topics')).toEqual([
      200,
      {
        topics: [
          {
            name: 'orders',
            deadLetter: false,
            messages: 6,
            partitions: [
              { partition: 0, low: 0, high: 5 },
              { partition: 1, low: 100, high: 101 },
            ],
          },
          {
            name: 'orders.dead-letter',
            deadLetter: true,
            messages: 12,
            partitions: [{ partition: 0, low: 0, high: 12 }],
          },
        ],
      },
    ]);
  });

  it('give messages from an offset with JSON pretty-printed as written, timestamps and the next offset', async () => {
    const routes = topicRoutes({ browser: fixture(), deadLetterTopics: [] });
    const [status, body] = await getJson(routes, '/api/messages', { topic: 'orders', offset: '3', limit: '1' });
    expect(status).toBe(200);
    expect(body).toEqual({
      topic: 'orders',
      partition: 0,
      limit: 1,
      low: 0,
      high: 5,
      scanned: 1,
      next: 4,
      messages: [
        {
          partition: 0,
          offset: 3,
          timestampMs: T0 + 3000,
          timestamp: '2026-01-01T00:00:03.000Z',
          key: null,
          value: { format: 'json', text: '{\n  "orderid": 3,\n  "price": 12.50\n}', bytes: 27, truncated: false },
          headers: [],
        },
      ],
    });
  });

  it('show binary values and keys safely, as hex or text', async () => {
    const routes = topicRoutes({ browser: fixture(), deadLetterTopics: [] });
    const [, body] = await getJson(routes, '/api/messages', { topic: 'orders', partition: '1', offset: '0' });
    expect(body['messages']).toEqual([
      {
        partition: 1,
        offset: 100,
        timestampMs: T0 + 100_000,
        timestamp: '2026-01-01T00:01:40.000Z',
        key: { format: 'text', text: 'k1', bytes: 2, truncated: false },
        value: { format: 'binary', text: '00 01 fe ff', bytes: 4, truncated: false },
        headers: [],
      },
    ]);
  });

  it('start at the last messages when neither offset nor time is given, and at a time when one is', async () => {
    const browser = fixture();
    const routes = topicRoutes({ browser, deadLetterTopics: [] });
    const [, tail] = await getJson(routes, '/api/messages', { topic: 'orders', limit: '2' });
    expect((tail['messages'] as Array<{ offset: number }>).map((m) => m.offset)).toEqual([3, 4]);
    const [, timed] = await getJson(routes, '/api/messages', { topic: 'orders', time: '2026-01-01T00:00:01.500Z' });
    expect((timed['messages'] as Array<{ offset: number }>).map((m) => m.offset)).toEqual([2, 3, 4]);
    expect(browser.reads).toEqual([
      ['orders', 0, { offset: 3 }, 2],
      ['orders', 0, { timestampMs: T0 + 1500 }, 50],
    ]);
  });

  it('cut a limit over 500 to 500', async () => {
    const browser = fixture();
    const [, body] = await getJson(topicRoutes({ browser, deadLetterTopics: [] }), '/api/messages', {
      topic: 'orders',
      offset: '0',
      limit: '100000',
    });
    expect(body['limit']).toBe(500);
    expect(browser.reads).toEqual([['orders', 0, { offset: 0 }, 500]]);
  });

  it('filter a dead-letter topic by reason, reading on past pages without it', async () => {
    const routes = topicRoutes({ browser: fixture(), deadLetterTopics: [] });
    const [, body] = await getJson(routes, '/api/messages', {
      topic: 'orders.dead-letter',
      offset: '0',
      limit: '3',
      reason: 'late',
    });
    const got = body['messages'] as Array<{ offset: number; value: { text: string } }>;
    expect(got.map((m) => [m.offset, m.value.text])).toEqual([
      [1, 'raw 1'],
      [4, 'raw 4'],
      [7, 'raw 7'],
    ]);
    expect([body['reason'], body['scanned'], body['next']]).toEqual(['late', 8, 8]);
  });

  it('refuse a bad query with 400, an unknown topic or partition with 404, a broker failure with 502', async () => {
    const browser = fixture();
    const routes = topicRoutes({ browser, deadLetterTopics: [] });
    expect(await getJson(routes, '/api/messages', { topic: 'orders', offset: '-1' })).toEqual([
      400,
      { error: 'offset: expected a whole number ≥ 0, got "-1"' },
    ]);
    expect(await getJson(routes, '/api/messages', { topic: 'orders', offset: '1', time: '5' })).toEqual([
      400,
      { error: 'give offset or time, not both' },
    ]);
    expect(await getJson(routes, '/api/messages', { topic: 'orders', reason: 'bogus' })).toEqual([
      400,
      { error: 'reason: expected one of invalid, late, duplicate, error, got "bogus"' },
    ]);
    expect(await getJson(routes, '/api/messages', { topic: '<script>' })).toEqual([
      400,
      { error: 'topic: expected a topic name, got "<script>"' },
    ]);
    expect(await getJson(routes, '/api/messages', { topic: 'nope' })).toEqual([404, { error: 'no topic nope' }]);
    expect(await getJson(routes, '/api/messages', { topic: 'orders', partition: '7' })).toEqual([
      404,
      { error: 'topic orders has no partition 7' },
    ]);
    browser.failing = true;
    expect(await getJson(routes, '/api/topics')).toEqual([502, { error: 'cannot list the topics on b:1: down' }]);
  });

  it('serve the page, and the compiled scripts of the page and of what it imports under /topics/', async () => {
    const web = mkdtempSync(join(tmpdir(), 'hexstream-web-'));
    try {
      mkdirSync(join(web, 'topics'));
      mkdirSync(join(web, 'shared'));
      writeFileSync(join(web, 'topics', 'topics.js'), 'import "../shared/escape.js";');
      writeFileSync(join(web, 'shared', 'escape.js'), 'export {};');
      writeFileSync(join(web, 'topics', 'notes.txt'), 'not served');
      const routes = topicRoutes({ browser: fixture(), deadLetterTopics: [], webDir: web });
      expect(routes.map((r) => r.path).sort()).toEqual([
        '/api/messages',
        '/api/topics',
        '/topics',
        '/topics/assets/shared/escape.js',
        '/topics/assets/topics/topics.js',
      ]);
      const page = await get(routes, '/topics');
      expect([page.status, page.contentType]).toEqual([200, 'text/html; charset=utf-8']);
      expect(String(page.body)).toContain('<script type="module" src="/topics/assets/topics/topics.js"></script>');
      expect(await get(routes, '/topics/assets/topics/topics.js')).toEqual({
        status: 200,
        contentType: 'text/javascript; charset=utf-8',
        body: 'import "../shared/escape.js";',
      });
    } finally {
      rmSync(web, { recursive: true, force: true });
    }
  });
});
