import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { topicWith, uniqueName } from '../support/kafka-topics';
import { createTestPgDatabase } from '../support/postgres';
import { runCli } from '../support/run-cli';

jest.setTimeout(300_000);

const EXAMPLES = join(__dirname, '..', '..', 'examples');

describe('hexstream prod --job examples/wage-averages.yaml --postgres (a YAML job, real Kafka and PostgreSQL)', () => {
  it('writes the mean wage per job title of each processing-time minute into wage_averages', async () => {
    const lines = readFileSync(join(EXAMPLES, 'wage-averages.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    const topic = await topicWith(new Map([[0, lines]]));
    const db = await createTestPgDatabase();
    try {
      const r = runCli([
        'prod',
        'ops@example.com',
        '--job',
        join(EXAMPLES, 'wage-averages.yaml'),
        '--topic',
        topic.topic,
        '--postgres',
        db.url,
        '--bounded',
        '--at-end',
        'flush',
        '--group',
        uniqueName('wages'),
        '--outbox',
        `/tmp/${uniqueName('wages')}-outbox`,
        '--log-level',
        'error',
      ]);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      expect(r.stdout).toMatch(/^hexstream prod · job wage-averages ·/m);
      expect(r.stdout).toMatch(/table wage_averages$/m);
      const rows = await db.query(
        `SELECT job_title, (extract(epoch from window_start) * 1000)::bigint::text AS ws,
                (extract(epoch from window_end) * 1000)::bigint::text AS we, avg_wage, applications::text AS n
           FROM wage_averages`,
      );
      // Processing time: a run that crosses a minute splits a title's applications over two rows.
      const byTitle = new Map<string, { n: number; wages: number }>();
      for (const row of rows) {
        const start = Number(row.ws);
        expect([start % 60_000, Number(row.we) - start]).toEqual([0, 60_000]);
        const t = byTitle.get(String(row.job_title)) ?? { n: 0, wages: 0 };
        byTitle.set(String(row.job_title), {
          n: t.n + Number(row.n),
          wages: t.wages + Number(row.avg_wage) * Number(row.n),
        });
      }
      // The sample's applications by title (examples/wage-averages.jsonl; IBM's record has no wage).
      expect(Object.fromEntries([...byTitle].map(([title, t]) => [title, [t.n, t.wages / t.n]]))).toEqual({
        'Software Engineer': [4, (145000 + 155000 + 120000 + 140000) / 4],
        'Data Scientist': [3, (130000 + 150000 + 125000) / 3],
        'Program Manager': [2, (110000 + 115000) / 2],
        'Hardware Engineer': [1, 140000],
      });
    } finally {
      await db.drop();
      await topic.remove();
    }
  });
});
