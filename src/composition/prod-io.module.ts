import { ContainerModule, type ContainerModuleLoadOptions } from 'inversify';
import { FailpointSource } from '../adapters/failpoints/failpoint-source.adapter';
import type { Failpoints } from '../adapters/failpoints/failpoints';
import { FileOutboxNotifier, FileOutboxOptions } from '../adapters/file/outbox-notifier.adapter';
import { KafkaDeadLetterTopic } from '../adapters/kafka/kafka-dead-letter-topic.adapter';
import { KafkaSource, KafkaSourceOptions } from '../adapters/kafka/kafka-source.adapter';
import { KafkaSinkOptions, KafkaTransactionalSink } from '../adapters/kafka/kafka-transactional-sink.adapter';
import { NotifierPort } from '../ports/notifier.port';
import { DeadLetterPort } from '../ports/dead-letter.port';
import { ResultStorePort } from '../ports/result-store.port';
import { SourcePort } from '../ports/source.port';
import type { KafkaOutputConfig, ProdRunConfig } from './run-config';
import { smtpNotifierBinding } from './smtp-notifier.binding';
import { bindSqlSink } from './sql-sink.binding';

/**
 * `prod` mode's adapters: a Kafka consumer group in; out, either a MySQL (or PostgreSQL) result
 * store with a Kafka dead-letter topic (at least once), or (`--to-kafka`) the Kafka transactional
 * store whose dead-letter port stages letters into its transactions (exactly once).
 * Failpoints that `--failpoints` turns on get their hooks here; the others leave no trace.
 */
export function prodIoModule(config: ProdRunConfig, failpoints: Failpoints): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(KafkaSourceOptions).toConstantValue({
      brokers: config.brokers,
      topic: config.topic,
      groupId: config.group,
      clientId: `hexstream-${config.job.name}`,
      bounded: config.bounded,
      maxRecordBytes: config.maxRecordBytes,
    });
    const beforeOffsetCommit = failpoints.hook('kafka.before-offset-commit');
    if (beforeOffsetCommit === undefined) {
      bind(SourcePort).to(KafkaSource).inSingletonScope();
    } else {
      bind(KafkaSource).toSelf().inSingletonScope();
      bind(SourcePort)
        .toDynamicValue((ctx) => new FailpointSource(ctx.get(KafkaSource), beforeOffsetCommit))
        .inSingletonScope();
    }
    if (config.kafkaOutput !== undefined) {
      // One transaction per trigger holds rows, checkpoint and the dead letters staged into it.
      bind(KafkaSinkOptions).toConstantValue(kafkaSinkOptions(config, config.kafkaOutput));
      bind(KafkaTransactionalSink).toSelf().inSingletonScope();
      bind(ResultStorePort).toService(KafkaTransactionalSink);
      bind(DeadLetterPort)
        .toDynamicValue((ctx) => ctx.get(KafkaTransactionalSink).deadLetterPort)
        .inSingletonScope();
    } else {
      bindSqlSink(bind, config, failpoints);
      bind(DeadLetterPort)
        .toDynamicValue(
          () =>
            new KafkaDeadLetterTopic({
              brokers: config.brokers,
              topic: config.deadLetterTopic,
              clientId: `hexstream-${config.job.name}-dlq`,
            }),
        )
        .inSingletonScope();
    }
    bindNotifier(bind, config);
  });
}

function kafkaSinkOptions(config: ProdRunConfig, kafka: KafkaOutputConfig): KafkaSinkOptions {
  return {
    brokers: config.brokers,
    job: config.job.name,
    consumerGroup: config.group,
    sourceTopic: config.topic,
    outputTopic: kafka.outputTopic,
    deadLetterTopic: config.deadLetterTopic,
    checkpointTopic: kafka.checkpointTopic,
    instanceId: kafka.instanceId,
    // The column whose value keys a job's messages on its output topic (ARCHITECTURE §4); else the row key.
    keyColumn: config.job.io.outputMessageKey,
  };
}

function bindNotifier(bind: ContainerModuleLoadOptions['bind'], config: ProdRunConfig): void {
  if (config.smtpUrl !== undefined) {
    smtpNotifierBinding(bind, config.smtpUrl);
  } else {
    bind(FileOutboxOptions).toConstantValue({ directory: config.outbox, from: 'hexstream <hexstream@localhost>' });
    bind(NotifierPort).to(FileOutboxNotifier).inSingletonScope();
  }
}
