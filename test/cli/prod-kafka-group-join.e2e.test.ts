import { spawn, type ChildProcess } from 'node:child_process';
import { stockAveragesJob } from '../../src/domain/jobs/stock-averages.job';
import { parseJsonObject } from '../contracts/sink.contract';
import { deleteTopics, readTopic, type TopicMessage } from '../support/kafka-read';
import { kafkaClient, uniqueName } from '../support/kafka-topics';
import { referenceStockAverages } from '../support/reference-stock-averages';
import { cliEnv, MAIN, runCli } from '../support/run-cli';
import { spawnCli } from '../support/spawn-cli';

jest.setTimeout(300_000);

/** A `prod` process: its log lines (JSON, stderr) as they arrive, and its end. */
interface Running {
  readonly child: ChildProcess;
  readonly logs: Array<Record<string, unknown>>;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startProd(args: readonly string[]): Running {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: cliEnv(args) });
  const logs: Array<Record<string, unknown>> = [];
  let rest = '';
  child.stderr?.setEncoding('utf8').on('data', (s: string) => {
    const lines = (rest + s).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      try {
        logs.push(parseJsonObject(line));
      } catch {
        logs.push({ msg: line });
      }
    }
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, logs, exit };
}

/** Waits until `check` holds, polling; fails with `what` after `timeoutMs`. */
async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Records in the topic so far (0 before it exists, or while its partitions have no leader yet). */
async function recordsIn(topic: string): Promise<number> {
  const admin = kafkaClient().admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) return 0;
    return (await admin.fetchTopicOffsets(topic)).reduce((n, o) => n + Number(o.high), 0);
  } catch {
    return 0;
  } finally {
    await admin.disconnect();
  }
}

/** The partitions a process was last given, from its log ('kafka partitions assigned' / 'reassigned'). */
function lastAssignment(p: Running): string | undefined {
  const entries = p.logs.filter((l) => l['msg'] === 'kafka partitions assigned' || l['msg'] === 'kafka partitions reassigned');
  const last = entries[entries.length - 1];
  return last === undefined ? undefined : String(last['partitions']);
}

/** The input topic as the reference reads it: per partition, the records in offset order. */
function partitionsOf(messages: readonly TopicMessage[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const m of messages) {
    const lines = out.get(m.partition) ?? [];
    if (m.offset !== lines.length) throw new Error(`input partition ${m.partition} has a gap before offset ${m.offset}`);
    lines.push(m.value ?? '');
    out.set(m.partition, lines);
  }
  return out;
}

describe('hexstream prod --job stock-averages --to-kafka: an instance joins a running group, one is killed', () => {
  it('a read_committed reader sees each closed (symbol, window) once, equal to the reference, and each dead letter once', async () => {
    const input = uniqueName('trades');
    const output = uniqueName('stocks_averages');
    const deadLetters = `${input}.dead-letter`;
    const checkpoints = uniqueName('checkpoints');
    const group = uniqueName('stocks-join');
    const victim = Math.random() < 0.5 ? 'first' : 'second';
    try {
      // About 20 s of trades at 1,000/s; event time follows the clock.
      const producing = spawnCli(['produce', '--job', 'stock-averages', '--to', 'kafka', '--topic', input, '--partitions', '3', '--count', '20000', '--rate', '1000', '--seed', '5', '--fault-share', '0.03'], { timeoutMs: 180_000 });
      await until(async () => (await recordsIn(input)) > 0, 'the producer sent its first records', 60_000);

      const args = (instance: string): string[] => [
        'prod', 'ops@example.com', '--job', 'stock-averages', '--topic', input, '--group', group, '--to-kafka', '--output-topic', output,
        '--checkpoint-topic', checkpoints, '--instance-id', instance, '--trigger-records', '200', '--idle-timeout', '10m', '--outbox', `/tmp/${group}-outbox`,
      ];
      const first = startProd([...args('first'), '--log-level', 'info']);
      await until(() => lastAssignment(first) === '0,1,2', 'the first instance holds every partition', 60_000);
      await until(() => first.logs.filter((l) => l['msg'] === 'progress').length > 0 || first.logs.length > 5, 'the first instance is running', 30_000);
      // The second joins while the first runs and the producer sends: the first hands over.
      const second = startProd([...args('second'), '--log-level', 'info']);
      await until(() => lastAssignment(second) !== undefined && lastAssignment(first) !== '0,1,2', 'the group split the partitions', 60_000);
      const split = [lastAssignment(first), lastAssignment(second)];
      // Both run a moment, then one is killed mid-run; the survivor gets every partition.
      await new Promise((resolve) => setTimeout(resolve, 1_000 + Math.random() * 2_000));
      const [killed, survivor] = victim === 'first' ? [first, second] : [second, first];
      killed.child.kill('SIGKILL');
      expect((await killed.exit).signal).toBe('SIGKILL');
      const produced = await producing;
      expect(produced.code).toBe(0);
      await until(() => lastAssignment(survivor) === '0,1,2', 'the survivor holds every partition', 90_000);
      survivor.child.kill('SIGTERM');
      expect(await survivor.exit).toEqual({ code: 0, signal: null });
      expect(survivor.logs.filter((l) => l['level'] === 50 || l['level'] === 60)).toEqual([]);

      // The killed instance's id again, bounded: fences what it left open and reads to the end.
      const last = runCli([...args(victim), '--bounded', '--log-level', 'error']);
      expect(last.stderr).toBe('');
      expect(last.code).toBe(0);

      const data = partitionsOf(await readTopic(input));
      const d = stockAveragesJob.defaults;
      const expected = referenceStockAverages(data, { windowMs: d.windowMs, slideMs: d.slideMs, watermarkMs: d.watermarkMs });
      const closedUpTo = Math.min(...expected.maxEventMs.values()) - d.watermarkMs;
      const closed = new Map([...expected.rows].filter(([, row]) => Date.parse(row.window_end) <= closedUpTo));
      expect(closed.size).toBeGreaterThan(100);
      const messages = await readTopic(output);
      const keys = messages.map((m) => m.headers['row-key']);
      const twice = keys.filter((k, i) => keys.indexOf(k) !== i);
      expect({ split, victim, twice }).toEqual({ split, victim, twice: [] });
      const actual = new Map(
        messages.map((m) => {
          const { updated_at: _writtenAt, ...row } = parseJsonObject(m.value ?? '');
          return [m.headers['row-key'], row];
        }),
      );
      expect(actual).toEqual(closed);
      const dead = (await readTopic(deadLetters)).map((m) => `${m.headers['reason']}@${m.headers['source-partition']}:${m.headers['source-offset']}`);
      expect(dead.sort()).toEqual(expected.dead.map((x) => `${x.reason}@${x.partition}:${x.position}`).sort());
    } finally {
      await deleteTopics([input, output, deadLetters, checkpoints]);
    }
  });
});
