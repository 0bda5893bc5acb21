import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consoleRoutes } from '../../../src/adapters/console/console-routes';
import { LiveFeed } from '../../../src/adapters/console/live-feed.adapter';
import { loadWebAssets } from '../../../src/adapters/console/web-assets';
import { emptyCounters } from '../../../src/domain/engine/engine-counters';
import { ordersJob } from '../../../src/domain/jobs/orders.job';
import type { HttpBody, HttpEventStream, HttpResponse, HttpRoute } from '../../../src/ports/http-endpoint.port';
import type { RunReading } from '../../../src/ports/run-telemetry.port';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);
let webDir: string;

beforeAll(() => {
  webDir = mkdtempSync(join(tmpdir(), 'hexstream-console-'));
  mkdirSync(join(webDir, 'console'));
  mkdirSync(join(webDir, 'shared'));
  mkdirSync(join(webDir, 'topics'));
  writeFileSync(join(webDir, 'console', 'main.js'), 'import "../shared/escape.js";\n');
  writeFileSync(join(webDir, 'console', 'main.js.map'), '{}');
  writeFileSync(join(webDir, 'shared', 'escape.js'), 'export {};\n');
  writeFileSync(join(webDir, 'topics', 'main.js'), 'export {};\n');
});

afterAll(() => rmSync(webDir, { recursive: true, force: true }));

function reading(read: number): RunReading {
  return {
    nowMs: T0 + read,
    counters: { ...emptyCounters(), read },
    state: { openWindows: 1, rows: 2, rememberedIds: 3 },
    assigned: [0],
    lag: new Map([[0, 5]]),
    watermarks: new Map([[0, T0 - 10_000]]),
    outageMs: { source: 0, sink: 0 },
  };
}

function feedWithARun(): LiveFeed {
  const feed = new LiveFeed(() => T0);
  let read = 0;
  feed.runStarted(
    {
      job: 'orders',
      mode: 'prod',
      outputMode: 'update',
      table: ordersJob.table,
      input: 'topic orders',
      startedAtMs: T0,
    },
    () => reading((read += 100)),
  );
  return feed;
}

function route(routes: readonly HttpRoute[], path: string): HttpRoute {
  const found = routes.find((r) => r.path === path);
  if (found === undefined) throw new Error(`no route ${path} among ${routes.map((r) => r.path).join(', ')}`);
  return found;
}

async function body(routes: readonly HttpRoute[], path: string): Promise<HttpBody> {
  const response: HttpResponse = await route(routes, path).handle({ path, query: new Map() });
  if ('open' in response) throw new Error(`${path} answered with an event stream`);
  return response;
}

describe('console routes', () => {
  it('serve the page, its scripts from the console and shared folders only, and the two APIs', () => {
    const routes = consoleRoutes(feedWithARun(), loadWebAssets(webDir, ['console', 'shared']));
    expect(routes.map((r) => r.path)).toEqual([
      '/',
      '/console/assets/console/main.js',
      '/console/assets/shared/escape.js',
      '/api/console',
      '/api/live',
    ]);
  });

  it('serve the page with its module script and a policy that allows only its own style and scripts', async () => {
    const page = await body(consoleRoutes(feedWithARun(), loadWebAssets(webDir, ['console', 'shared'])), '/');
    expect(page.status).toBe(200);
    expect(page.contentType).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<script type="module" src="/console/assets/console/main.js"></script>');
    const csp = page.headers?.['Content-Security-Policy'] ?? '';
    expect(csp).toMatch(
      /^default-src 'none'; script-src 'self'; style-src 'sha256-[A-Za-z0-9+/]+=*'; connect-src 'self'/,
    );
  });

  it('say how to build the console when its scripts are missing', async () => {
    const page = await body(consoleRoutes(feedWithARun(), []), '/');
    expect([page.status, page.body]).toEqual([
      503,
      'The console is not built: run `npm run build` (it compiles web/ into dist/web).\n',
    ]);
  });

  it('serve a compiled script as it is, as JavaScript', async () => {
    const routes = consoleRoutes(feedWithARun(), loadWebAssets(webDir, ['console', 'shared']));
    const script = await body(routes, '/console/assets/console/main.js');
    expect([script.status, script.contentType, Buffer.from(script.body).toString()]).toEqual([
      200,
      'text/javascript; charset=utf-8',
      'import "../shared/escape.js";\n',
    ]);
  });

  it('answer /api/console with the whole state as JSON', async () => {
    const feed = feedWithARun();
    feed.tick();
    const api = await body(consoleRoutes(feed, []), '/api/console');
    expect(api.contentType).toBe('application/json; charset=utf-8');
    const state = JSON.parse(String(api.body)) as ReturnType<LiveFeed['state']>;
    expect(state).toEqual(JSON.parse(JSON.stringify(feed.state())));
    expect(state.jobs.map((j) => j.samples.map((s) => [s.read, s.rate, s.lag, s.watermarks]))).toEqual([
      [
        [100, null, { '0': 5 }, { '0': T0 - 10_000 }],
        [200, 1000, { '0': 5 }, { '0': T0 - 10_000 }],
      ],
    ]);
  });

  it('stream the whole state on connect, then each tick, until the client goes away', async () => {
    const feed = feedWithARun();
    const stream = (await route(consoleRoutes(feed, []), '/api/live').handle({
      path: '/api/live',
      query: new Map(),
    })) as HttpEventStream;
    const events: Array<[string, unknown]> = [];
    const stop = stream.open((event, data) => events.push([event, JSON.parse(data)]));
    const update = feed.tick();
    stop();
    feed.tick();
    expect(events.map(([e]) => e)).toEqual(['state', 'update']);
    expect(events[1]?.[1]).toEqual(JSON.parse(JSON.stringify(update)));
    const state = events[0]?.[1] as ReturnType<LiveFeed['state']>;
    expect(state.jobs.map((j) => [j.job, j.samples.length])).toEqual([['orders', 1]]);
  });
});
