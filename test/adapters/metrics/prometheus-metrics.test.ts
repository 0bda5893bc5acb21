import { register as globalRegistry } from 'prom-client';
import { PrometheusMetrics } from '../../../src/adapters/metrics/prometheus-metrics.adapter';
import type { TriggerCommit } from '../../../src/domain/pipeline/pipeline-output';
import type { HttpBody } from '../../../src/ports/http-endpoint.port';
import type { RunReading } from '../../../src/ports/run-telemetry.port';
import { identity, reading } from './run-readings';

/** `/metrics` as a map from `name{labels}` to its value, and the text itself. */
async function scrape(metrics: PrometheusMetrics): Promise<{ values: Map<string, number>; answer: HttpBody }> {
  const route = metrics.routes().find((r) => r.path === '/metrics');
  if (route === undefined) throw new Error('no /metrics route');
  const answer = (await route.handle({ path: '/metrics', query: new Map() })) as HttpBody;
  const values = new Map<string, number>();
  for (const line of String(answer.body).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    values.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return { values, answer };
}

function series(values: Map<string, number>, prefix: string): Array<[string, number]> {
  return [...values].filter(([k]) => k.startsWith(prefix));
}

const TRIGGER = { sequence: 0 } as unknown as TriggerCommit;

describe('PrometheusMetrics', () => {
  it('gives every figure of every run, read at scrape time, with the label job', async () => {
    const metrics = new PrometheusMetrics({ defaultMetrics: false });
    let orders: RunReading = reading(
      {
        state: { openWindows: 3, rows: 40, rememberedIds: 55 },
        lag: new Map([
          [0, 12],
          [1, 0],
        ]),
        watermarks: new Map([
          [0, 1_735_689_600_500],
          [1, -Infinity],
        ]),
        outageMs: { source: 1_500, sink: 250 },
      },
      {
        read: 110,
        accepted: 100,
        invalid: 4,
        late: 3,
        duplicate: 2,
        error: 1,
        rowsEmitted: 70,
        triggers: 9,
        replayed: 6,
      },
    );
    metrics.runStarted(identity('orders'), () => orders);
    metrics.runStarted(identity('ohlc'), () => reading({ assigned: [] }, { read: 5, accepted: 5 }));

    const { values, answer } = await scrape(metrics);

    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(series(values, 'hexstream_records_total{job="orders"')).toEqual([
      ['hexstream_records_total{job="orders",outcome="accepted"}', 100],
      ['hexstream_records_total{job="orders",outcome="invalid"}', 4],
      ['hexstream_records_total{job="orders",outcome="late"}', 3],
      ['hexstream_records_total{job="orders",outcome="duplicate"}', 2],
      ['hexstream_records_total{job="orders",outcome="error"}', 1],
    ]);
    expect(series(values, 'hexstream_dead_letters_total{job="orders"')).toEqual([
      ['hexstream_dead_letters_total{job="orders",reason="invalid"}', 4],
      ['hexstream_dead_letters_total{job="orders",reason="late"}', 3],
      ['hexstream_dead_letters_total{job="orders",reason="duplicate"}', 2],
      ['hexstream_dead_letters_total{job="orders",reason="error"}', 1],
    ]);
    const orderSeries = [...values].filter(([k]) => k.includes('job="orders"') && !k.includes('_total{job="orders",'));
    expect(
      orderSeries.filter(([k]) => !k.startsWith('hexstream_commit_') && !k.startsWith('hexstream_event_')),
    ).toEqual([
      ['hexstream_rows_written_total{job="orders"}', 70],
      ['hexstream_triggers_total{job="orders"}', 9],
      ['hexstream_replayed_records_total{job="orders"}', 6],
      ['hexstream_consumer_lag_records{job="orders",partition="0"}', 12],
      ['hexstream_consumer_lag_records{job="orders",partition="1"}', 0],
      // Partition 1 saw no event yet: it has no watermark to show.
      ['hexstream_watermark_timestamp_seconds{job="orders",partition="0"}', 1_735_689_600.5],
      ['hexstream_open_windows{job="orders"}', 3],
      ['hexstream_state_rows{job="orders"}', 40],
      ['hexstream_remembered_ids{job="orders"}', 55],
      ['hexstream_up{job="orders"}', 1],
      ['hexstream_ready{job="orders"}', 1],
    ]);
    expect(series(values, 'hexstream_outage_seconds_total{job="orders"')).toEqual([
      ['hexstream_outage_seconds_total{job="orders",side="source"}', 1.5],
      ['hexstream_outage_seconds_total{job="orders",side="sink"}', 0.25],
    ]);
    expect(values.get('hexstream_records_total{job="ohlc",outcome="accepted"}')).toBe(5);
    expect(values.get('hexstream_ready{job="ohlc"}')).toBe(0);

    // Read again at the next scrape: the figures follow the run.
    orders = reading({}, { read: 111, accepted: 101 });
    expect((await scrape(metrics)).values.get('hexstream_records_total{job="orders",outcome="accepted"}')).toBe(101);
  });

  it('observes commit durations and event-to-commit latencies in histograms, and counts failed commits', async () => {
    const metrics = new PrometheusMetrics({ defaultMetrics: false });
    metrics.runStarted(identity('orders'), () => reading());
    metrics.committed('orders', TRIGGER, { startedAtMs: 1_000, endedAtMs: 1_030, eventToCommitMs: [400, 2_500] });
    metrics.committed('orders', TRIGGER, { startedAtMs: 2_000, endedAtMs: 2_200, eventToCommitMs: [700] });
    metrics.commitFailed('orders', 'SINK_UNAVAILABLE: gone', 3_000);

    const { values } = await scrape(metrics);

    expect(series(values, 'hexstream_commit_duration_seconds')).toEqual([
      ['hexstream_commit_duration_seconds_bucket{le="0.001",job="orders"}', 0],
      ['hexstream_commit_duration_seconds_bucket{le="0.005",job="orders"}', 0],
      ['hexstream_commit_duration_seconds_bucket{le="0.01",job="orders"}', 0],
      ['hexstream_commit_duration_seconds_bucket{le="0.025",job="orders"}', 0],
      ['hexstream_commit_duration_seconds_bucket{le="0.05",job="orders"}', 1],
      ['hexstream_commit_duration_seconds_bucket{le="0.1",job="orders"}', 1],
      ['hexstream_commit_duration_seconds_bucket{le="0.25",job="orders"}', 2],
      ['hexstream_commit_duration_seconds_bucket{le="0.5",job="orders"}', 2],
      ['hexstream_commit_duration_seconds_bucket{le="1",job="orders"}', 2],
      ['hexstream_commit_duration_seconds_bucket{le="2.5",job="orders"}', 2],
      ['hexstream_commit_duration_seconds_bucket{le="5",job="orders"}', 2],
      ['hexstream_commit_duration_seconds_bucket{le="10",job="orders"}', 2],
      ['hexstream_commit_duration_seconds_bucket{le="30",job="orders"}', 2],
      ['hexstream_commit_duration_seconds_bucket{le="+Inf",job="orders"}', 2],
      ['hexstream_commit_duration_seconds_sum{job="orders"}', 0.23],
      ['hexstream_commit_duration_seconds_count{job="orders"}', 2],
    ]);
    const latency = new Map(series(values, 'hexstream_event_to_commit_latency_seconds'));
    expect([
      latency.get('hexstream_event_to_commit_latency_seconds_bucket{le="0.25",job="orders"}'),
      latency.get('hexstream_event_to_commit_latency_seconds_bucket{le="0.5",job="orders"}'),
      latency.get('hexstream_event_to_commit_latency_seconds_bucket{le="1",job="orders"}'),
      latency.get('hexstream_event_to_commit_latency_seconds_bucket{le="2",job="orders"}'),
      latency.get('hexstream_event_to_commit_latency_seconds_bucket{le="5",job="orders"}'),
      latency.get('hexstream_event_to_commit_latency_seconds_sum{job="orders"}'),
      latency.get('hexstream_event_to_commit_latency_seconds_count{job="orders"}'),
    ]).toEqual([0, 1, 2, 2, 3, 0.4 + 2.5 + 0.7, 3]); // summed in the order observed
    expect(values.get('hexstream_commit_failures_total{job="orders"}')).toBe(1);
  });

  it('shows an ended run as down and not ready, with its last figures', async () => {
    const metrics = new PrometheusMetrics({ defaultMetrics: false });
    metrics.runStarted(identity('orders'), () => reading({}, { read: 9, accepted: 9 }));
    metrics.runEnded('orders', 'completed');
    const { values } = await scrape(metrics);
    expect([
      values.get('hexstream_up{job="orders"}'),
      values.get('hexstream_ready{job="orders"}'),
      values.get('hexstream_records_total{job="orders",outcome="accepted"}'),
    ]).toEqual([0, 0, 9]);
  });

  it("adds the process's own metrics on its registry, never on prom-client's global one", async () => {
    const metrics = new PrometheusMetrics();
    const { values } = await scrape(metrics);
    expect(values.has('process_cpu_user_seconds_total')).toBe(true);
    expect(values.has('nodejs_heap_size_total_bytes')).toBe(true);
    expect(globalRegistry.getMetricsAsArray()).toEqual([]);
    // Two instances in one process do not clash.
    expect(() => new PrometheusMetrics()).not.toThrow();
  });
});
