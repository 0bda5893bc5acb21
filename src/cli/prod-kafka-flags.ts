import type { Argv } from 'yargs';

/** prod's Kafka sink (`--to-kafka`), its Kafka client and instance id, and its stream threads. */
export function prodKafkaFlags<T>(y: Argv<T>): Argv<T> {
  return y
    .option('to-kafka', {
      type: 'boolean',
      describe: 'sink Kafka instead: rows to a Kafka topic, exactly once (one Kafka transaction per trigger)',
    })
    .option('output-topic', {
      type: 'string',
      describe: "with --to-kafka: the rows' topic (default: the table name, e.g. stocks_averages)",
    })
    .option('checkpoint-topic', {
      type: 'string',
      describe: 'with --to-kafka: compacted topic of checkpoints (default hexstream-checkpoints)',
    })
    .option('instance-id', {
      type: 'string',
      describe:
        "this instance's name, stable across restarts, one per concurrent instance (default: host name): the --to-kafka transactional id's, and with --kafka-client platformatic the consumer's group.instance.id",
    })
    .option('kafka-client', {
      type: 'string',
      describe: 'kafkajs (default) | platformatic: @platformatic/kafka, with static membership and KIP-447 offsets',
    })
    .option('threads', {
      type: 'string',
      describe:
        'stream threads: N members of the consumer group in this process, each with its own engine and sink connection; auto: one per core, at most one per partition (default 1)',
    });
}
