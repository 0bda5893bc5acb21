import { resolve } from 'node:path';
import { resolveProdConfig, resolveTestConfig } from '../../src/composition/resolve-config';
import { topicsPartFor } from '../../src/composition/topics-part';

const email = 'ops@example.com';

describe('topicsPartFor', () => {
  it("serves the topic browser for prod runs, knowing each run's dead-letter topic", async () => {
    const parts = topicsPartFor([
      resolveProdConfig({ email, brokers: '10.0.0.1:9092' }),
      resolveProdConfig({ email, job: 'ohlc', deadLetterTopic: 'bad-trades' }),
    ]);
    expect(parts.map((p) => [p.name, p.routes.map((r) => r.path).filter((path) => path.startsWith('/api/'))])).toEqual([
      ['topics', ['/api/topics', '/api/messages']],
    ]);
    for (const p of parts) await p.close?.();
  });

  it('serves nothing for a test run, which has no broker', () => {
    expect(topicsPartFor([resolveTestConfig({ email }, resolve(__dirname, '..', '..', 'samples'))])).toEqual([]);
  });
});
