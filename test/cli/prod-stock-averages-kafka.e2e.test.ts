import { spawn } from 'node:child_process';
import { parseJsonObject } from '../contracts/output.contract';
import { deleteTopics, readTopic, topicPartitions } from '../support/kafka-read';
import { kafkaClient, uniqueName } from '../support/kafka-topics';
import { prodMember, quietWithOutbox, toKafka } from '../support/prod-args';
import { cliEnv, MAIN, runCli } from '../support/run-cli';
import {
  closedRows,
  deadLetterRefs,
  produceArgs,
  referenceDeadLetterRefs,
  stockAveragesReference,
} from '../support/stock-averages-kafka';

jest.setTimeout(300_000);

/**
 * The topic's end offsets, summed: grows with every committed transaction (0 before the topic exists,
 * and while a topic just created has no leader yet: the broker answers "not the leader", which
 * kafkajs marks retriable, and the caller polls again).
 */
async function endOffset(topic: string): Promise<number> {
  const admin = kafkaClient().admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) return 0;
    return (await admin.fetchTopicOffsets(topic)).reduce((n, o) => n + Number(o.offset), 0);
  } catch (e) {
    if (e instanceof Error && (e as Error & { retriable?: boolean }).retriable === true) return 0;
    throw e;
  } finally {
    await admin.disconnect();
  }
}

/** Waits until `check` holds, polling; fails with `what` after `timeoutMs`. */
async function until(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('hexstream prod --job stock-averages --to-kafka (real Kafka)', () => {
  it('writes each closed (symbol, window) exactly once and each dead letter exactly once, across kill -9 at random moments', async () => {
    const input = uniqueName('trades');
    const output = uniqueName('stocks_averages');
    const deadLetters = `${input}.dead-letter`;
    const checkpoints = uniqueName('checkpoints');
    const group = uniqueName('stocks-kafka');
    try {
      const produced = runCli(
        produceArgs('stock-averages', input, { partitions: 3, count: 20_000, seed: 11 }, ['--event-rate', '50']),
      );
      // Nothing but the producer's progress lines, which a slow machine may print.
      expect(
        produced.stderr
          .split('\n')
          .filter((l) => l !== '' && !/^sent [\d,]+ records, [\d,]+\/s, [\d.]+ s elapsed$/.test(l)),
      ).toEqual([]);
      expect(produced.code).toBe(0);
      const data = topicPartitions(await readTopic(input));
      const expected = stockAveragesReference(data);
      expect(expected.rows.size).toBeGreaterThan(1_000);
      expect(expected.dead.filter((x) => x.reason === 'late').length).toBeGreaterThan(0);

      const args = [...prodMember({ job: 'stock-averages', topic: input, group }), ...toKafka(output, checkpoints)];
      const more = ['--instance-id', 'e2e', '--trigger-records', '100', '--bounded', ...quietWithOutbox(group)];
      let killedMidRun = 0;
      for (let round = 0; round < 3; round++) {
        // Kill once the run has committed a random number of triggers, a random instant later.
        const before = await endOffset(checkpoints);
        const child = spawn(process.execPath, [MAIN, ...args, ...more], { stdio: 'ignore', env: cliEnv(args) });
        let exited = false;
        const exit = new Promise<NodeJS.Signals | null>((resolve) =>
          child.once('exit', (_code, signal) => resolve(signal)),
        ).finally(() => {
          exited = true;
        });
        const commits = 1 + Math.floor(Math.random() * 30);
        await until(
          async () => exited || (await endOffset(checkpoints)) >= before + commits * 4,
          `run ${round} committed ${commits} triggers`,
          90_000,
        );
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 300));
        child.kill('SIGKILL');
        if ((await exit) === 'SIGKILL') killedMidRun++;
      }
      expect(killedMidRun).toBeGreaterThan(0);
      const last = runCli([...args, ...more]);
      expect(last.stderr).toBe('');
      expect(last.code).toBe(0);

      // A bounded run ends with each partition's watermark where its input left it: the windows
      // every partition's watermark has passed are closed and written, the later ones stay open.
      const closed = closedRows(expected);
      expect(closed.size).toBeGreaterThan(1_000);
      const messages = await readTopic(output);
      // Exactly one message per (symbol, window): as many messages as distinct row keys, as the reference has rows.
      expect(messages).toHaveLength(closed.size);
      const actual = new Map(
        messages.map((m) => {
          const { updated_at: _writtenAt, ...row } = parseJsonObject(m.value ?? '');
          expect(m.key).toBe(row.symbol);
          return [m.headers['row-key'], row];
        }),
      );
      expect(actual).toEqual(closed);
      expect(await deadLetterRefs(deadLetters)).toEqual(referenceDeadLetterRefs(expected.dead));
    } finally {
      await deleteTopics([input, output, deadLetters, checkpoints]);
    }
  });
});
