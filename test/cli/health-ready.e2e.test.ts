import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { generateOrders } from '../../src/domain/jobs/orders.generator';
import { topicWith, uniqueName } from '../support/kafka-topics';
import { createTestDatabase, type TestDatabase } from '../support/mariadb';
import { endpointUrl, fetchAnswer, scrapeMetrics } from '../support/metrics-scrape';
import { prodMember, quietWithOutbox } from '../support/prod-args';
import { exitOf, until } from '../support/prod-orders';
import { cliEnv, MAIN } from '../support/run-cli';

jest.setTimeout(180_000);

interface Member {
  readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<number | null>;
  url(): string | undefined;
}

function member(topic: string, group: string, db: TestDatabase): Member {
  const args = [...prodMember({ topic, group }), '--http', '127.0.0.1:0', '--mysql', db.url, ...quietWithOutbox(group)];
  const child = spawn(process.execPath, [MAIN, ...args], { env: cliEnv(args) });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr.resume();
  return { child, exited: exitOf(child), url: () => endpointUrl(out) };
}

const NOT_OWNING = '{"ready":false,"jobs":[{"job":"orders","ready":false,"reason":"no partition assigned yet"}]}\n';
const READY = '{"ready":true,"jobs":[{"job":"orders","ready":true}]}\n';

describe('/health/ready follows what an instance owns', () => {
  it('two members of a group on one partition: the owner is ready, the other not until the owner leaves', async () => {
    const lines = [
      ...generateOrders({ count: 200, seed: 3, startMs: Date.UTC(2025, 0, 1), ordersPerSecond: 20, faultShare: 0 }),
    ].map((g) => g.line);
    const { topic, remove } = await topicWith(new Map([[0, lines]]));
    const db = await createTestDatabase();
    const group = uniqueName('g-ready');
    const members = [member(topic, group, db), member(topic, group, db)];
    try {
      await until(async () => members.every((m) => m.url() !== undefined), 'both members print their endpoint');
      const ready = async (m: Member): Promise<string> => (await fetchAnswer(`${m.url() ?? ''}health/ready`)).body;
      // The group settles with the one partition on one member.
      await until(
        async () => (await Promise.all(members.map(ready))).sort().join('') === [NOT_OWNING, READY].sort().join(''),
        'one member owns the partition, the other none',
      );
      const states = await Promise.all(members.map(ready));
      const owner = members[states.indexOf(READY)] as Member;
      const other = members[states.indexOf(NOT_OWNING)] as Member;
      expect((await fetchAnswer(`${other.url() ?? ''}health/ready`)).status).toBe(503);
      expect((await scrapeMetrics(other.url() ?? '')).get('hexstream_ready{job="orders"}')).toBe(0);
      expect((await scrapeMetrics(owner.url() ?? '')).get('hexstream_ready{job="orders"}')).toBe(1);

      owner.child.kill('SIGTERM');
      expect(await owner.exited).toBe(0);
      await until(async () => (await ready(other)) === READY, 'the other member takes the partition over and is ready');
      expect((await fetchAnswer(`${other.url() ?? ''}health/ready`)).status).toBe(200);
      other.child.kill('SIGTERM');
      expect(await other.exited).toBe(0);
    } finally {
      for (const m of members) if (m.child.exitCode === null) m.child.kill('SIGKILL');
      await db.drop();
      await remove();
    }
  });
});
