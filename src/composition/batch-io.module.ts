import { ContainerModule } from 'inversify';
import type { Failpoints } from '../adapters/failpoints/failpoints';
import { FileDeadLetterSink } from '../adapters/file/file-dead-letter.sink';
import { LineFileSource, LineFileSourceOptions } from '../adapters/file/line-file-source.adapter';
import { FileOutboxNotifier, FileOutboxOptions } from '../adapters/file/outbox-notifier.adapter';
import { NotifierPort } from '../ports/notifier.port';
import { SinkPort } from '../ports/sink.port';
import { SourcePort } from '../ports/source.port';
import type { BatchRunConfig } from './run-config';
import { bindSqlSink } from './sql-sink.binding';

/** `batch` mode's adapters: files in (partition per file name); MySQL or PostgreSQL rows and checkpoints, dead letters to a file. */
export function batchIoModule(config: BatchRunConfig, failpoints: Failpoints): ContainerModule {
  return new ContainerModule(({ bind }) => {
    const arrival = config.arrivalMs !== undefined ? { arrivalMs: config.arrivalMs } : {};
    bind(LineFileSourceOptions).toConstantValue({
      input: config.input,
      maxRecordBytes: config.maxRecordBytes,
      partitionIds: 'name',
      ...arrival,
    });
    bind(SourcePort).to(LineFileSource).inSingletonScope();
    const tableSink = bindSqlSink(bind, config, failpoints);
    bind(SinkPort)
      .toDynamicValue((ctx) => new FileDeadLetterSink(tableSink(ctx), config.deadLetter))
      .inSingletonScope();
    bind(FileOutboxOptions).toConstantValue({ directory: config.outbox, from: 'hexstream <hexstream@localhost>' });
    bind(NotifierPort).to(FileOutboxNotifier).inSingletonScope();
  });
}
