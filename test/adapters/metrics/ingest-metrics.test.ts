import { IngestMetrics, type IngestRunView } from '../../../src/adapters/metrics/ingest-metrics';
import type { HttpBody, HttpRoute } from '../../../src/ports/http-endpoint.port';

async function get(routes: readonly HttpRoute[], path: string): Promise<HttpBody> {
  const route = routes.find((r) => r.path === path);
  if (route === undefined) throw new Error(`no route ${path}`);
  return (await route.handle({ path, query: new Map() })) as HttpBody;
}

/** The `hexstream_ingest_*` sample lines of a scrape. */
function ingestSamples(body: string | Uint8Array): string[] {
  return String(body)
    .split('\n')
    .filter((l) => l.startsWith('hexstream_ingest_'));
}

const RUNNING: IngestRunView = {
  running: true,
  reading: {
    nowMs: 10_000,
    counters: { payloads: 12, messages: 110, unchanged: 5, deadLetters: { invalid: 2, status: 1 } },
    pending: 3,
    outageMs: { source: 2_500, sink: 0 },
  },
};

describe('IngestMetrics', () => {
  it("serves the run's counts as they are at the scrape", async () => {
    const metrics = new IngestMetrics(() => RUNNING, { defaultMetrics: false });
    const scrape = await get(metrics.routes(), '/metrics');
    expect(scrape.status).toBe(200);
    expect(ingestSamples(scrape.body)).toEqual([
      'hexstream_ingest_payloads_total 12',
      'hexstream_ingest_messages_total 110',
      'hexstream_ingest_unchanged_total 5',
      'hexstream_ingest_dead_letters_total{reason="invalid"} 2',
      'hexstream_ingest_dead_letters_total{reason="status"} 1',
      'hexstream_ingest_dead_letters_total{reason="too-large"} 0',
      'hexstream_ingest_dead_letters_total{reason="not-text"} 0',
      'hexstream_ingest_dead_letters_total{reason="protocol"} 0',
      'hexstream_ingest_pending 3',
      'hexstream_ingest_outage_seconds_total{side="source"} 2.5',
      'hexstream_ingest_outage_seconds_total{side="sink"} 0',
      'hexstream_ingest_up 1',
    ]);
  });

  it('counts 0 before the run starts, with no series by reason or side', async () => {
    const metrics = new IngestMetrics(() => undefined, { defaultMetrics: false });
    expect(ingestSamples((await get(metrics.routes(), '/metrics')).body)).toEqual([
      'hexstream_ingest_payloads_total 0',
      'hexstream_ingest_messages_total 0',
      'hexstream_ingest_unchanged_total 0',
      'hexstream_ingest_pending 0',
      'hexstream_ingest_up 0',
    ]);
  });

  it('is ready while running without an outage, and says why not otherwise', async () => {
    let view: IngestRunView | undefined = RUNNING;
    const routes = new IngestMetrics(() => view, { defaultMetrics: false }).routes();
    expect(await get(routes, '/health/ready')).toMatchObject({ status: 200, body: '{"ready":true}\n' });
    view = { ...RUNNING, reading: { ...RUNNING.reading, outage: { side: 'source', what: 'HTTP 503', sinceMs: 1 } } };
    expect(await get(routes, '/health/ready')).toMatchObject({
      status: 503,
      body: '{"ready":false,"reason":"source unavailable: HTTP 503"}\n',
    });
    view = undefined;
    expect((await get(routes, '/health/ready')).status).toBe(503);
    expect((await get(routes, '/health/live')).status).toBe(200);
  });
});
