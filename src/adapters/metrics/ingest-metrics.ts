import { collectDefaultMetrics, Registry } from 'prom-client';
import type { IngestReading } from '../../domain/ingest/ingest-settings';
import type { HttpBody, HttpRoute } from '../../ports/http-endpoint.port';
import { scrapedFamily } from './scraped-family';

/** The ingest run as the endpoint sees it: its figures now, and whether it still runs. */
export interface IngestRunView {
  readonly reading: IngestReading;
  readonly running: boolean;
}

/** The reasons a dead letter of ingest can have: always present, at 0, so that rate() sees the first one. */
const REASONS = ['invalid', 'status', 'too-large', 'not-text', 'protocol'] as const;

type Labels = Record<string, string>;

/**
 * `ingest`'s `/metrics`, `/health/live` and `/health/ready`. Every figure is read from the run at
 * scrape time (`IngestPipeline.reading()`), so it equals the run's own count exactly; before the
 * run starts the counts are 0 (and the series by reason and by side absent). Ready: the run is going and neither side is in an outage.
 */
export class IngestMetrics {
  readonly registry = new Registry();

  constructor(
    private readonly current: () => IngestRunView | undefined,
    options: { readonly defaultMetrics?: boolean } = {},
  ) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    const c =
      (f: (r: IngestReading) => number): ((r: IngestReading) => Array<[Labels, number]>) =>
      (r) => [[{}, f(r)]];
    this.family(
      'counter',
      'payloads_total',
      'Payloads the feed delivered (HTTP bodies, WebSocket messages).',
      [],
      c((r) => r.counters.payloads),
    );
    this.family(
      'counter',
      'messages_total',
      'Messages the sink acknowledged.',
      [],
      c((r) => r.counters.messages),
    );
    this.family(
      'counter',
      'unchanged_total',
      'Quotes dropped: same symbol and update time as one already sent.',
      [],
      c((r) => r.counters.unchanged),
    );
    this.family('counter', 'dead_letters_total', 'Dead letters sent, by reason.', ['reason'], (r) => {
      const reasons = new Set<string>([...REASONS, ...Object.keys(r.counters.deadLetters)]);
      return [...reasons].map((reason) => [{ reason }, r.counters.deadLetters[reason] ?? 0]);
    });
    this.family(
      'gauge',
      'pending',
      'Messages and dead letters waiting for the sink.',
      [],
      c((r) => r.pending),
    );
    this.family(
      'counter',
      'outage_seconds_total',
      'Time each side was unreachable, the current outage included.',
      ['side'],
      (r) => [
        [{ side: 'source' }, r.outageMs.source / 1000],
        [{ side: 'sink' }, r.outageMs.sink / 1000],
      ],
    );
    this.family('gauge', 'up', '1 while the ingest run goes on, 0 once it ended.', [], () => [
      [{}, this.current()?.running === true ? 1 : 0],
    ]);
  }

  routes(): readonly HttpRoute[] {
    return [
      {
        path: '/metrics',
        handle: async () => ({
          status: 200,
          contentType: this.registry.contentType,
          body: await this.registry.metrics(),
          headers: { 'cache-control': 'no-store' },
        }),
      },
      { path: '/health/live', handle: () => json(200, { live: true }) },
      { path: '/health/ready', handle: () => this.ready() },
    ];
  }

  private ready(): HttpBody {
    const run = this.current();
    if (run === undefined || !run.running) return json(503, { ready: false, reason: 'ingest is not running' });
    const outage = run.reading.outage;
    if (outage !== undefined) return json(503, { ready: false, reason: `${outage.side} unavailable: ${outage.what}` });
    return json(200, { ready: true });
  }

  /** A series family read from the run at scrape time; empty before it starts. */
  private family(
    kind: 'counter' | 'gauge',
    name: string,
    help: string,
    labelNames: string[],
    figure: (r: IngestReading) => ReadonlyArray<readonly [Labels, number]>,
  ): void {
    const current = this.current;
    const config = { name: `hexstream_ingest_${name}`, help, labelNames };
    scrapedFamily(this.registry, kind, config, (set) => {
      const run = current();
      if (run !== undefined) for (const [l, v] of figure(run.reading)) set(l, v);
    });
  }
}

function json(status: number, value: unknown): HttpBody {
  return {
    status,
    contentType: 'application/json; charset=utf-8',
    body: `${JSON.stringify(value)}\n`,
    headers: { 'cache-control': 'no-store' },
  };
}
