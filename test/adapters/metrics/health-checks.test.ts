import { HealthChecks } from '../../../src/adapters/metrics/health-checks';
import type { HttpBody } from '../../../src/ports/http-endpoint.port';
import type { RunReading } from '../../../src/ports/run-telemetry.port';
import { identity, reading } from './run-readings';

async function get(health: HealthChecks, path: string): Promise<[number, unknown]> {
  const route = health.routes().find((r) => r.path === path);
  if (route === undefined) throw new Error(`no route ${path}`);
  const answer = (await route.handle({ path, query: new Map() })) as HttpBody;
  expect(answer.contentType).toBe('application/json; charset=utf-8');
  return [answer.status, JSON.parse(String(answer.body))];
}

describe('HealthChecks', () => {
  it('is live whatever the runs do', async () => {
    const health = new HealthChecks();
    expect(await get(health, '/health/live')).toEqual([200, { live: true }]);
    health.runStarted(identity('orders'), () => reading({ outage: { side: 'sink', what: 'down', sinceMs: 0 } }));
    expect(await get(health, '/health/live')).toEqual([200, { live: true }]);
  });

  it('is ready only while every running job is, saying why not', async () => {
    const health = new HealthChecks();
    expect(await get(health, '/health/ready')).toEqual([503, { ready: false, reason: 'no job is running', jobs: [] }]);

    let now: RunReading = reading({ assigned: [] });
    health.runStarted(identity('orders'), () => now);
    const notReady = (reason: string): [number, unknown] => [
      503,
      { ready: false, jobs: [{ job: 'orders', ready: false, reason }] },
    ];
    const ready: [number, unknown] = [200, { ready: true, jobs: [{ job: 'orders', ready: true }] }];
    expect(await get(health, '/health/ready')).toEqual(notReady('no partition assigned yet'));

    const steps: Array<[RunReading, [number, unknown]]> = [
      [reading(), ready],
      [reading({ rebuilding: 'a rebalance' }), notReady('rebuilding state: a rebalance')],
      [
        reading({ outage: { side: 'source', what: 'broker gone', sinceMs: 3_000 } }),
        notReady('source unreachable: broker gone'),
      ],
      [
        reading({ lastCommit: { atMs: 4_000, ok: false, error: 'SINK_UNAVAILABLE: no database' } }),
        notReady('last commit failed: SINK_UNAVAILABLE: no database'),
      ],
      [reading({ lastCommit: { atMs: 4_500, ok: true } }), ready],
    ];
    for (const [r, expected] of steps) {
      now = r;
      expect(await get(health, '/health/ready')).toEqual(expected);
    }
  });

  it('with several jobs, is ready when all are; an ended job no longer counts', async () => {
    const health = new HealthChecks();
    health.runStarted(identity('orders'), () => reading());
    health.runStarted(identity('ohlc'), () => reading({ assigned: [] }));
    expect(await get(health, '/health/ready')).toEqual([
      503,
      {
        ready: false,
        jobs: [
          { job: 'orders', ready: true },
          { job: 'ohlc', ready: false, reason: 'no partition assigned yet' },
        ],
      },
    ]);
    health.runEnded('ohlc', 'failed');
    expect(await get(health, '/health/ready')).toEqual([200, { ready: true, jobs: [{ job: 'orders', ready: true }] }]);
    health.runEnded('orders', 'stopped');
    expect(await get(health, '/health/ready')).toEqual([503, { ready: false, reason: 'no job is running', jobs: [] }]);
  });

  it('masks secrets in the reasons it gives', async () => {
    const health = new HealthChecks((t) => t.split('hunter2').join('***'));
    health.runStarted(identity('orders'), () =>
      reading({ outage: { side: 'sink', what: 'mysql://root:hunter2@db/x refused', sinceMs: 0 } }),
    );
    expect(await get(health, '/health/ready')).toEqual([
      503,
      {
        ready: false,
        jobs: [{ job: 'orders', ready: false, reason: 'sink unreachable: mysql://root:***@db/x refused' }],
      },
    ]);
  });
});
