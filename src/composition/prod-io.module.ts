import { ContainerModule, type ContainerModuleLoadOptions } from 'inversify';
import { FailpointSource } from '../adapters/failpoints/failpoint-source.adapter';
import type { Failpoints } from '../adapters/failpoints/failpoints';
import { FileOutboxNotifier, FileOutboxOptions } from '../adapters/file/outbox-notifier.adapter';
import { KafkaDeadLetterTopic } from '../adapters/kafka/kafka-dead-letter-topic.adapter';
import { KafkaSource, KafkaSourceOptions } from '../adapters/kafka/kafka-source.adapter';
import { KafkaSinkOptions, KafkaTransactionalSink } from '../adapters/kafka/kafka-transactional-sink.adapter';
import { ConsumerGroupMetadata } from '../adapters/platformatic-kafka/consumer-group-metadata';
import { PlatformaticDeadLetterTopic } from '../adapters/platformatic-kafka/platformatic-dead-letter-topic.adapter';
import {
  PlatformaticKafkaSource,
  PlatformaticSourceOptions,
} from '../adapters/platformatic-kafka/platformatic-source.adapter';
import { PlatformaticTransactionalSink } from '../adapters/platformatic-kafka/platformatic-transactional-sink.adapter';
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
 * store whose dead-letter port stages letters into its transactions (exactly once). The Kafka
 * adapters are kafkajs's or, with `--kafka-client platformatic`, @platformatic/kafka's (static
 * membership; the store commits offsets with the source's group generation).
 * Failpoints that `--failpoints` turns on get their hooks here; the others leave no trace.
 */
export function prodIoModule(config: ProdRunConfig, failpoints: Failpoints): ContainerModule {
  return new ContainerModule(({ bind }) => {
    const platformatic = config.kafkaClient === 'platformatic';
    const sourceOptions = {
      brokers: config.brokers,
      topic: config.topic,
      groupId: config.group,
      clientId: `hexstream-${config.job.name}`,
      bounded: config.bounded,
      maxRecordBytes: config.maxRecordBytes,
    };
    bind(KafkaSourceOptions).toConstantValue(sourceOptions);
    bind(PlatformaticSourceOptions).toConstantValue({ ...sourceOptions, groupInstanceId: config.groupInstanceId });
    const Source = platformatic ? PlatformaticKafkaSource : KafkaSource;
    bind(Source).toSelf().inSingletonScope();
    if (platformatic) bind(ConsumerGroupMetadata).toService(PlatformaticKafkaSource);
    const beforeOffsetCommit = failpoints.hook('kafka.before-offset-commit');
    if (beforeOffsetCommit === undefined) bind(SourcePort).toService(Source);
    else
      bind(SourcePort)
        .toDynamicValue((ctx) => new FailpointSource(ctx.get(Source), beforeOffsetCommit))
        .inSingletonScope();
    if (config.kafkaOutput !== undefined) {
      // One transaction per trigger holds rows, checkpoint and the dead letters staged into it.
      bind(KafkaSinkOptions).toConstantValue(kafkaSinkOptions(config, config.kafkaOutput));
      const Sink = platformatic ? PlatformaticTransactionalSink : KafkaTransactionalSink;
      bind(Sink).toSelf().inSingletonScope();
      bind(ResultStorePort).toService(Sink);
      bind(DeadLetterPort)
        .toDynamicValue((ctx) => ctx.get(Sink).deadLetterPort)
        .inSingletonScope();
    } else {
      bindSqlSink(bind, config, failpoints);
      const DeadLetters = platformatic ? PlatformaticDeadLetterTopic : KafkaDeadLetterTopic;
      const options = {
        brokers: config.brokers,
        topic: config.deadLetterTopic,
        clientId: `hexstream-${config.job.name}-dlq`,
      };
      bind(DeadLetterPort)
        .toDynamicValue(() => new DeadLetters(options))
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
