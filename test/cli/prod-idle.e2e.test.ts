import { topicWith, uniqueName } from '../support/kafka-topics';
import { createTestDatabase } from '../support/mariadb';
import {
  deadLetterKeys,
  exitStatusOf,
  orderPartitions,
  orderTable,
  startProd,
  until,
  referenceDeadLetterKeys,
} from '../support/prod-orders';
import { referenceOrders } from '../support/reference-orders';

jest.setTimeout(300_000);

/** Short windows and watermark, so that idle time closes the last ones within seconds. */
const SEMANTICS = { windowMs: 10_000, slideMs: 10_000, watermarkMs: 5_000 };

/** Per partition, the watermarks shown by `progress` log lines (`0:2025-01-01T00:02:30.000Z 1:-inf …`), in order. */
function shownWatermarks(progress: ReadonlyArray<Record<string, unknown>>): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const line of progress) {
    for (const item of String(line.watermarks).split(' ')) {
      const [p, w] = item.split(/:(.*)/s);
      const value = w === '-inf' ? -Infinity : w === '+inf' ? Infinity : Date.parse(w ?? '');
      const list = out.get(Number(p)) ?? [];
      list.push(value);
      out.set(Number(p), list);
    }
  }
  return out;
}

describe('hexstream prod with idle input (real Kafka and MariaDB)', () => {
  it('closes and writes the last windows once the producer stopped, the watermarks advancing with idle time, and stops on SIGTERM with exit 0', async () => {
    const data = orderPartitions(3_000, 51);
    const expected = referenceOrders(data, SEMANTICS);
    const expectedDead = referenceDeadLetterKeys(expected.deadLetters);
    // What the records alone can close: windows ending at or before the smallest partition watermark.
    const byRecords = new Map([...expected.maxEventMs].map(([p, t]) => [p, t - SEMANTICS.watermarkMs]));
    const closableByRecords = Math.min(...byRecords.values());
    const lastWindows = [...expected.rows.values()].filter((r) => Date.parse(r.window_end) > closableByRecords);
    const lastEnd = Math.max(...[...expected.rows.values()].map((r) => Date.parse(r.window_end)));
    expect(byRecords.size).toBe(3);
    expect(lastWindows.length).toBeGreaterThan(0);

    // The producer wrote everything and stopped before prod starts.
    const topic = await topicWith(data);
    const db = await createTestDatabase();
    const table = (): ReturnType<typeof orderTable> => orderTable((sql) => db.query(sql));
    const group = uniqueName('idle');
    const dlq = `${topic.topic}.dead-letter`;
    const args = [
      'prod',
      'ops@example.com',
      '--topic',
      topic.topic,
      '--group',
      group,
      '--mysql',
      db.url,
      '--dead-letter-topic',
      dlq,
      '--outbox',
      `/tmp/${group}-outbox`,
    ];
    const flags = [
      '--output-mode',
      'append',
      '--window',
      '10s',
      '--watermark',
      '5s',
      '--idle-timeout',
      '2s',
      '--progress-interval',
      '500ms',
      '--log-level',
      'info',
    ];
    const prod = startProd([...args, ...flags]);
    const child = prod.child;
    const exited = exitStatusOf(child, 'prod stops after SIGTERM', 240_000);
    exited.catch(() => undefined);
    try {
      // Within a bounded wait, and while prod keeps running: every row, the last windows included,
      // with its final value, and a progress line whose watermarks are all past the last window.
      await until(
        async () => {
          if (child.exitCode !== null || child.signalCode !== null)
            throw new Error(`prod ended early:\n${prod.stderr()}`);
          const shown = shownWatermarks(prod.logs('progress'));
          const caughtUp = [...byRecords.keys()].every((p) => (shown.get(p) ?? []).some((w) => w >= lastEnd));
          return caughtUp && (await table().catch(() => new Map())).size === expected.rows.size;
        },
        'the last windows are written and the watermarks pass their end',
        120_000,
      );
      expect(await table()).toEqual(expected.rows);
      expect(child.exitCode).toBeNull();

      // Each partition's watermark went past what its records alone give, rising with idle time.
      const shown = shownWatermarks(prod.logs('progress'));
      for (const [p, w] of byRecords) {
        const values = shown.get(p) ?? [];
        expect(values.filter((v, i) => v < (values[i - 1] ?? -Infinity))).toEqual([]); // never goes back
        const beyond = new Set(values.filter((v) => v > w));
        expect({
          partition: p,
          advancedSteps: beyond.size >= 2,
          reachesLastEnd: Math.max(...values) >= lastEnd,
        }).toEqual({ partition: p, advancedSteps: true, reachesLastEnd: true });
      }

      child.kill('SIGTERM');
      expect(await exited).toEqual({ code: 0, signal: null });
      expect(await table()).toEqual(expected.rows);
      expect(await deadLetterKeys(dlq)).toEqual(expectedDead);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited.catch(() => undefined);
      await db.drop();
      await topic.remove();
    }
  });
});
