import { availableParallelism } from 'node:os';
import { inputPartitionCount } from '../adapters/kafka/input-topic';
import type { AnyJob } from '../domain/jobs/job';
import { invalid } from './config-values';
import type { ProdRunConfig } from './run-config';
import { checkRunServices } from './run-preflight';

/** `--threads`: a number of stream threads, or `auto` (one per core, at most one per partition). */
export type ThreadsSetting = number | 'auto';

/** Beyond this, more threads only add consumer-group members and connections that wait for a core. */
export const MAX_THREADS = 64;

/**
 * `--threads` (or `HEXSTREAM_THREADS`) as given: absent is 1, as Kafka Streams' `num.stream.threads`.
 * A job that needs all partitions in one engine (see `oneThreadOnly`) is refused more than one
 * thread (`auto` gives it one).
 */
export function parseThreads(value: string | number | undefined, job: AnyJob): ThreadsSetting {
  if (value === undefined) return 1;
  const text = String(value).trim();
  if (text === 'auto') return 'auto';
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > MAX_THREADS)
    throw invalid(
      '--threads',
      `expected a number of threads from 1 to ${MAX_THREADS}, or auto; got ${JSON.stringify(value)}`,
    );
  const n = Number(text);
  const why = oneThreadOnly(job);
  if (n > 1 && why !== undefined)
    throw invalid('--threads', `job ${job.name} ${why}: run it with --threads 1 (or auto, which gives it one)`);
  return n;
}

/** Why a job must run on one thread, if it must. */
export function oneThreadOnly(job: AnyJob): string | undefined {
  if (job.groupsWholeWindow === true)
    return 'combines every key of a window into its rows, so one thread must read all partitions';
  if (job.io.report !== undefined) return 'prints a report from its whole final table, which one thread keeps';
  return undefined;
}

/**
 * The number of stream threads of a run: `auto` is one per core (`os.availableParallelism()`), at
 * most one per partition of the input topic (a thread beyond that would get none), and one for a
 * job that needs all partitions in one engine (see `oneThreadOnly`).
 */
export function threadCount(setting: ThreadsSetting, cores: number, partitions: number, job: AnyJob): number {
  if (setting !== 'auto') return setting;
  if (oneThreadOnly(job) !== undefined) return 1;
  return Math.max(1, Math.min(cores, partitions));
}

/** `threadCount` for a run, asking the broker for the input topic's partitions when `auto` needs them. */
export async function decideThreads(setting: ThreadsSetting, config: ProdRunConfig): Promise<number> {
  if (setting !== 'auto' || oneThreadOnly(config.job) !== undefined) return threadCount(setting, 1, 1, config.job);
  // The topic must exist first: a typo fails with the same line as without --threads.
  await checkRunServices(config);
  return threadCount(
    setting,
    availableParallelism(),
    await inputPartitionCount(config.brokers, config.topic),
    config.job,
  );
}

/**
 * The instance id of stream thread `index` (the `--to-kafka` transactional id's part, and the static
 * member id of `--kafka-client platformatic`): thread 0 keeps the instance's own (so one thread is what
 * a run without `--threads` is), thread k adds `.t<k>`. Stable across restarts with the same number of
 * threads, so a restarted process fences its own predecessor threads and takes their places in the
 * group; distinct within the process, so its threads never fence each other.
 */
export function threadInstanceId(instanceId: string, index: number): string {
  return index === 0 ? instanceId : `${instanceId}.t${index}`;
}

/** Thread `index`'s configuration: the process's, with the thread's own transactional and static member ids. */
export function threadConfig(config: ProdRunConfig, index: number): ProdRunConfig {
  const kafka = config.kafkaOutput;
  const member = config.groupInstanceId;
  return {
    ...config,
    ...(kafka === undefined
      ? {}
      : { kafkaOutput: { ...kafka, instanceId: threadInstanceId(kafka.instanceId, index) } }),
    ...(member === undefined ? {} : { groupInstanceId: threadInstanceId(member, index) }),
  };
}
