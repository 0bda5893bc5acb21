import { HexstreamError } from '../../domain/hexstream-error';
import type { HttpBody, HttpRequest, HttpRoute } from '../../ports/http-endpoint.port';
import type { BrowsedMessage, TopicBrowserPort, TopicSummary } from '../../ports/topic-browser.port';
import { messageView } from './message-view';
import { BadQuery, parseMessageQuery, type MessageQuery } from './message-query';
import { pageAssetRoutes, TOPICS_PAGE } from './topics-page';

/** With a reason filter: messages looked at per request at most, and per read. */
export const MAX_SCANNED = 5000;
const SCAN_PAGE = 500;

export interface TopicRoutesOptions {
  readonly browser: TopicBrowserPort;
  /** The runs' dead-letter topics; a topic named `….dead-letter` is one too. */
  readonly deadLetterTopics: readonly string[];
  /** The compiled page scripts (`dist/web`); the default finds them from `src/` and from `dist/`. */
  readonly webDir?: string;
}

/**
 * The topic browser's routes: the page (`/topics` and its scripts), `/api/topics` (every topic with
 * its partitions' offsets) and `/api/messages` (one partition's messages from an offset, a time or
 * the end, at most `MAX_LIMIT`, rendered by `messageView`; `reason` keeps the dead letters of one
 * reason, looking at up to `MAX_SCANNED` messages). Answers are JSON; a bad query is 400, an unknown
 * topic or partition 404, a broker that fails 502, each with `{ "error": "…" }`.
 */
export function topicRoutes(options: TopicRoutesOptions): HttpRoute[] {
  const { browser } = options;
  const deadLetter = (name: string): boolean =>
    options.deadLetterTopics.includes(name) || name.endsWith('.dead-letter');
  return [
    { path: '/topics', handle: () => TOPICS_PAGE },
    ...pageAssetRoutes(options.webDir),
    {
      path: '/api/topics',
      handle: () =>
        answer(async () => {
          const topics = await browser.topics();
          return { topics: topics.map((t) => ({ ...t, deadLetter: deadLetter(t.name), messages: count(t) })) };
        }),
    },
    { path: '/api/messages', handle: (request) => answer(() => messages(browser, request)) },
  ];
}

function count(t: TopicSummary): number {
  return t.partitions.reduce((n, p) => n + p.high - p.low, 0);
}

async function messages(browser: TopicBrowserPort, request: HttpRequest): Promise<unknown> {
  const q = parseMessageQuery(request.query);
  const topic = (await browser.topics()).find((t) => t.name === q.topic);
  if (topic === undefined) throw new HexstreamError('CONFIG_INVALID', `no topic ${q.topic}`);
  const offsets = topic.partitions.find((p) => p.partition === q.partition);
  if (offsets === undefined)
    throw new HexstreamError('CONFIG_INVALID', `topic ${q.topic} has no partition ${q.partition}`);
  const from = q.from === 'tail' ? { offset: Math.max(offsets.low, offsets.high - q.limit) } : q.from;
  const read = q.reason === undefined ? await onePage(browser, q, from) : await withReason(browser, q, from, q.reason);
  return {
    topic: q.topic,
    partition: q.partition,
    limit: q.limit,
    ...(q.reason === undefined ? {} : { reason: q.reason }),
    low: offsets.low,
    high: offsets.high,
    scanned: read.scanned,
    next: read.next ?? offsets.high,
    messages: read.messages.map(messageView),
  };
}

interface Read {
  readonly messages: readonly BrowsedMessage[];
  readonly scanned: number;
  /** The offset after the last message looked at (none looked at: unknown). */
  readonly next: number | undefined;
}

async function onePage(browser: TopicBrowserPort, q: MessageQuery, from: StartAt): Promise<Read> {
  const page = await browser.messages(q.topic, q.partition, from, q.limit);
  const last = page[page.length - 1];
  return { messages: page, scanned: page.length, next: last === undefined ? undefined : last.offset + 1 };
}

type StartAt = { readonly offset: number } | { readonly timestampMs: number };

/** Reads on until `limit` dead letters of `reason` are found, the partition ends, or `MAX_SCANNED` were looked at. */
async function withReason(browser: TopicBrowserPort, q: MessageQuery, start: StartAt, reason: string): Promise<Read> {
  const found: BrowsedMessage[] = [];
  let scanned = 0;
  let next: number | undefined;
  let from = start;
  while (found.length < q.limit && scanned < MAX_SCANNED) {
    const page = await browser.messages(q.topic, q.partition, from, Math.min(SCAN_PAGE, MAX_SCANNED - scanned));
    if (page.length === 0) break;
    for (const m of page) {
      scanned++;
      next = m.offset + 1;
      if (headerText(m, 'reason') === reason) found.push(m);
      if (found.length === q.limit) break;
    }
    from = { offset: next ?? 0 };
  }
  return { messages: found, scanned, next };
}

function headerText(m: BrowsedMessage, name: string): string | undefined {
  const h = m.headers.find((x) => x.name === name);
  return h === undefined ? undefined : Buffer.from(h.value).toString('utf8');
}

/** The work's result as JSON, or its failure as the status it means. */
async function answer(work: () => Promise<unknown>): Promise<HttpBody> {
  try {
    return json(200, await work());
  } catch (e) {
    if (e instanceof BadQuery) return json(400, { error: e.message });
    if (e instanceof HexstreamError && e.code === 'CONFIG_INVALID') return json(404, { error: e.message });
    return json(502, { error: e instanceof Error ? e.message : String(e) });
  }
}

function json(status: number, value: unknown): HttpBody {
  return { status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(value) };
}
