/**
 * The command lines of `prod` the end-to-end tests run, built from the parts they share so that each
 * test spells out only what it is about.
 */

/** Who a `prod` instance is: mail to ops@example.com, job `job` (orders when absent), reading `topic` as a member of `group`. */
export function prodMember(member: {
  readonly topic: string;
  readonly group: string;
  readonly job?: string;
}): string[] {
  const job = member.job === undefined ? [] : ['--job', member.job];
  return ['prod', 'ops@example.com', ...job, '--topic', member.topic, '--group', member.group];
}

/** Errors only in the log, and an outbox of the group's own under /tmp (instances of one test share it). */
export function quietWithOutbox(group: string): string[] {
  return ['--log-level', 'error', '--outbox', `/tmp/${group}-outbox`];
}

/** Results to Kafka: rows to `output`, the engine's checkpoints to `checkpoints`. */
export function toKafka(output: string, checkpoints: string): string[] {
  return ['--to-kafka', '--output-topic', output, '--checkpoint-topic', checkpoints];
}

/** A trigger every 200 ms or 500 records, and info in the log: runs whose log a test reads as they go. */
export function frequentTriggers(): string[] {
  return ['--trigger-interval', '200ms', '--trigger-records', '500', '--log-level', 'info'];
}

/**
 * Job orders from `topic` into the MariaDB database `url`, a trigger every 500 records, errors only
 * in the log; `extra` comes last, so that its flags win over these.
 */
export function mysqlOrdersArgs(url: string, topic: string, group: string, extra: readonly string[] = []): string[] {
  return [
    ...prodMember({ topic, group }),
    '--mysql',
    url,
    '--trigger-records',
    '500',
    ...quietWithOutbox(group),
    ...extra,
  ];
}
