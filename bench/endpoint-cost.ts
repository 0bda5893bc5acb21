import { get, type ClientRequest } from 'node:http';
import { join } from 'node:path';
import { Child, field, fmt, MAIN as main, WORK as work } from './common';

/** Rounds of (off, on) runs: alternated, so that a slower moment of the machine hits both alike. */
const ROUNDS = Number(process.env.BENCH_ENDPOINT_ROUNDS ?? 2);

interface Watched {
  readonly rate: number;
  readonly scrapes: number;
  /** Bytes of events the SSE client got, or undefined when the endpoint has no `/api/live`. */
  readonly liveBytes: number | undefined;
  /** How responsive the endpoint stayed while the pipeline ran flat out (ms). */
  readonly slowestScrapeMs: number;
  readonly longestLiveGapMs: number | undefined;
}

/**
 * (d): the `test` pipeline on the file with the HTTP endpoint off, then on (`--http 127.0.0.1:0`)
 * with `/metrics` scraped every second and, when the endpoint serves it, a client on the live
 * console's event stream `/api/live`; throughput of each, and what the endpoint costs in %.
 */
export async function endpointCost(input: string): Promise<void> {
  const off: number[] = [];
  const on: Watched[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    off.push((await watchedRun(input, false)).rate);
    on.push(await watchedRun(input, true));
  }
  const offRate = median(off);
  const onRate = median(on.map((w) => w.rate));
  const live = on[0]?.liveBytes;
  const watchers = `/metrics every 1 s${live === undefined ? '' : ' + SSE client on /api/live'}`;
  const events = live === undefined ? '' : `, ${fmt(live)} bytes of events`;
  const slowest = Math.max(...on.map((w) => w.slowestScrapeMs));
  const gaps = on.flatMap((w) => (w.longestLiveGapMs === undefined ? [] : [w.longestLiveGapMs]));
  console.log(
    `(d) endpoint off                     ${fmt(offRate).padStart(9)} records/s  (median of ${ROUNDS})\n` +
      `(d) endpoint on                      ${fmt(onRate).padStart(9)} records/s  (median of ${ROUNDS}; ${watchers}: ` +
      `${on.map((w) => w.scrapes).join(', ')} scrapes${events})   cost ${(((offRate - onRate) / offRate) * 100).toFixed(1)} %\n` +
      `(d) responsiveness while it ran      slowest /metrics ${fmt(slowest)} ms` +
      (gaps.length === 0
        ? ''
        : `, longest wait between console updates ${fmt(Math.max(...gaps))} ms (sent every 1,000 ms)`),
  );
}

async function watchedRun(input: string, endpoint: boolean): Promise<Watched> {
  const out = join(work, `out-endpoint-${endpoint ? 'on' : 'off'}`);
  const child = new Child([
    main,
    'test',
    'bench@example.com',
    '--input',
    input,
    '--http',
    endpoint ? '127.0.0.1:0' : 'off',
    '--output',
    join(out, 'table.jsonl'),
    '--dead-letter',
    join(out, 'dead.jsonl'),
    '--outbox',
    join(out, 'outbox'),
    '--log-level',
    'silent',
  ]);
  const watch = endpoint ? await watchEndpoint(child) : undefined;
  const r = await child.done;
  watch?.stop();
  if (r.code !== 0) throw new Error(`${child.describe()} failed (${r.code ?? r.signal}): ${r.stderr.slice(-4000)}`);
  return {
    rate: field(r.stdout, 'records read') / field(r.stdout, 'elapsed'),
    scrapes: watch?.scrapes() ?? 0,
    liveBytes: watch?.liveBytes(),
    slowestScrapeMs: watch?.slowestScrapeMs() ?? 0,
    longestLiveGapMs: watch?.longestLiveGapMs(),
  };
}

interface Watch {
  stop(): void;
  scrapes(): number;
  liveBytes(): number | undefined;
  slowestScrapeMs(): number;
  longestLiveGapMs(): number | undefined;
}

/**
 * Scrapes `/metrics` every second and follows `/api/live` (if served) until stopped, noting the
 * slowest scrape and the longest wait between two events: the pipeline shares its event loop with
 * the endpoint, so both show how responsive the endpoint stays while the pipeline runs flat out.
 */
async function watchEndpoint(child: Child): Promise<Watch> {
  const url = await endpointOf(child);
  let scrapes = 0;
  let slowest = 0;
  const timer = setInterval(() => {
    const sentAt = performance.now();
    get(`${url}metrics`, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode === 200) scrapes++;
        slowest = Math.max(slowest, performance.now() - sentAt);
      });
    }).on('error', () => undefined);
  }, 1_000);
  let bytes: number | undefined;
  let lastEventAt: number | undefined;
  let longestGap: number | undefined;
  const live: ClientRequest = get(`${url}api/live`, (res) => {
    if (res.statusCode !== 200) {
      res.resume();
      return;
    }
    bytes = 0;
    res.on('data', (chunk: Buffer) => {
      bytes = (bytes ?? 0) + chunk.length;
      const now = performance.now();
      if (lastEventAt !== undefined) longestGap = Math.max(longestGap ?? 0, now - lastEventAt);
      lastEventAt = now;
    });
  }).on('error', () => undefined);
  return {
    stop: () => {
      clearInterval(timer);
      live.destroy();
    },
    scrapes: () => scrapes,
    liveBytes: () => bytes,
    slowestScrapeMs: () => slowest,
    longestLiveGapMs: () => longestGap,
  };
}

/** The URL the child prints first (`endpoint       http://…/`), within 30 s. */
async function endpointOf(child: Child): Promise<string> {
  for (let i = 0; i < 600; i++) {
    const url = /^endpoint\s+(http:\/\/\S+)$/m.exec(child.stdout)?.[1];
    if (url !== undefined) return url;
    if (child.process.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${child.describe()} printed no endpoint line: ${child.stdout.slice(0, 400)}`);
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}
