import { builtInJob } from '../../src/composition/built-in-jobs';
import { parseThreads, threadConfig, threadCount, threadInstanceId } from '../../src/composition/stream-threads';
import type { ProdRunConfig } from '../../src/composition/run-config';
import { HexstreamError } from '../../src/domain/hexstream-error';
import type { AnyJob } from '../../src/domain/jobs/job';

function job(name: string): AnyJob {
  const found = builtInJob(name);
  if (found === undefined) throw new Error(`no built-in job ${name}`);
  return found;
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    if (e instanceof HexstreamError) return `${e.code}: ${e.message}`;
    throw e;
  }
  throw new Error('not refused');
}

describe('--threads', () => {
  it('is 1 when absent (as num.stream.threads), a count from 1 to 64, or auto', () => {
    expect(parseThreads(undefined, job('orders'))).toBe(1);
    expect(parseThreads('2', job('orders'))).toBe(2);
    expect(parseThreads(' 64 ', job('orders'))).toBe(64);
    expect(parseThreads(3, job('orders'))).toBe(3);
    expect(parseThreads('auto', job('orders'))).toBe('auto');
    for (const bad of ['0', '65', '-1', '1.5', 'two', ''])
      expect(refusal(() => parseThreads(bad, job('orders')))).toBe(
        `CONFIG_INVALID: --threads: expected a number of threads from 1 to 64, or auto; got ${JSON.stringify(bad)}`,
      );
  });

  it('refuses more than one thread for a job whose rows combine every key of a window, or that prints a report', () => {
    expect(refusal(() => parseThreads('2', job('top-averages')))).toBe(
      'CONFIG_INVALID: --threads: job top-averages combines every key of a window into its rows, so one thread must read all partitions: run it with --threads 1 (or auto, which gives it one)',
    );
    expect(refusal(() => parseThreads('2', job('top-price')))).toMatch(
      /^CONFIG_INVALID: --threads: job top-price combines/,
    );
    expect(refusal(() => parseThreads('2', job('price-stats')))).toBe(
      'CONFIG_INVALID: --threads: job price-stats prints a report from its whole final table, which one thread keeps: run it with --threads 1 (or auto, which gives it one)',
    );
    expect(parseThreads('1', job('top-averages'))).toBe(1);
    expect(parseThreads('auto', job('top-averages'))).toBe('auto');
  });

  it('auto: one per core, at most one per partition, at least one; one for a job that needs all partitions', () => {
    expect(threadCount('auto', 2, 6, job('orders'))).toBe(2);
    expect(threadCount('auto', 8, 6, job('orders'))).toBe(6);
    expect(threadCount('auto', 2, 1, job('orders'))).toBe(1);
    expect(threadCount('auto', 2, 0, job('orders'))).toBe(1);
    expect(threadCount('auto', 8, 6, job('top-averages'))).toBe(1);
    expect(threadCount('auto', 8, 6, job('price-stats'))).toBe(1);
    // A count given is kept, even above the partitions: the threads without one wait for a rebalance.
    expect(threadCount(4, 2, 3, job('orders'))).toBe(4);
  });

  it("gives thread k > 0 the instance id with .t<k>, and thread 0 the instance's own", () => {
    expect([0, 1, 2].map((i) => threadInstanceId('host-a', i))).toEqual(['host-a', 'host-a.t1', 'host-a.t2']);
    const kafka = { outputTopic: 'out', checkpointTopic: 'cp', instanceId: 'host-a' };
    const config = { kafkaOutput: kafka } as unknown as ProdRunConfig;
    expect(threadConfig(config, 0).kafkaOutput).toEqual(kafka);
    expect(threadConfig(config, 3).kafkaOutput).toEqual({ ...kafka, instanceId: 'host-a.t3' });
    const toDatabase = { kafkaOutput: undefined, groupInstanceId: undefined } as unknown as ProdRunConfig;
    expect(threadConfig(toDatabase, 1)).toEqual(toDatabase);
  });

  it('gives each thread its own static member id (--kafka-client platformatic), so its threads never fence each other', () => {
    const config = { kafkaOutput: undefined, groupInstanceId: 'host-a' } as unknown as ProdRunConfig;
    expect([0, 1, 2].map((i) => threadConfig(config, i).groupInstanceId)).toEqual(['host-a', 'host-a.t1', 'host-a.t2']);
    const both = { kafkaOutput: { instanceId: 'b' }, groupInstanceId: 'b' } as unknown as ProdRunConfig;
    expect(threadConfig(both, 1)).toEqual({ kafkaOutput: { instanceId: 'b.t1' }, groupInstanceId: 'b.t1' });
  });
});
