import { ContainerModule } from 'inversify';
import { FileOutboxNotifier, FileOutboxOptions } from '../adapters/file/outbox-notifier.adapter';
import { KafkaDeadLetterSink } from '../adapters/kafka/kafka-dead-letter.sink';
import { KafkaSource, KafkaSourceOptions } from '../adapters/kafka/kafka-source.adapter';
import { MySqlSink, MySqlSinkOptions } from '../adapters/mysql/mysql-sink.adapter';
import { PostgresSink, PostgresSinkOptions } from '../adapters/postgres/postgres-sink.adapter';
import { NotifierPort } from '../ports/notifier.port';
import { SinkPort } from '../ports/sink.port';
import { SourcePort } from '../ports/source.port';
import type { ProdRunConfig } from './run-config';
import { smtpNotifierBinding } from './smtp-notifier.binding';

/** `prod` mode's adapters: a Kafka consumer group in; MySQL (or PostgreSQL) rows + Kafka dead letters out. */
export function prodIoModule(config: ProdRunConfig): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(KafkaSourceOptions).toConstantValue({ brokers: config.brokers, topic: config.topic, groupId: config.group, clientId: `hexstream-${config.job.name}`, bounded: config.bounded });
    bind(SourcePort).to(KafkaSource).inSingletonScope();
    const postgresUrl = config.postgresUrl;
    if (postgresUrl !== undefined) {
      bind(PostgresSinkOptions).toConstantValue({ url: postgresUrl, job: config.job.name, consumerGroup: config.group });
      bind(PostgresSink).toSelf().inSingletonScope();
    } else {
      bind(MySqlSinkOptions).toConstantValue({ url: config.mysqlUrl, job: config.job.name, consumerGroup: config.group });
      bind(MySqlSink).toSelf().inSingletonScope();
    }
    bind(SinkPort)
      .toDynamicValue(
        (ctx) =>
          new KafkaDeadLetterSink(postgresUrl !== undefined ? ctx.get(PostgresSink) : ctx.get(MySqlSink), {
            brokers: config.brokers,
            topic: config.deadLetterTopic,
            clientId: `hexstream-${config.job.name}-dlq`,
          }),
      )
      .inSingletonScope();
    if (config.smtpUrl !== undefined) {
      smtpNotifierBinding(bind, config.smtpUrl);
    } else {
      bind(FileOutboxOptions).toConstantValue({ directory: config.outbox, from: 'hexstream <hexstream@localhost>' });
      bind(NotifierPort).to(FileOutboxNotifier).inSingletonScope();
    }
  });
}
