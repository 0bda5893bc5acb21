import { ContainerModule } from 'inversify';
import type { Failpoints } from '../adapters/failpoints/failpoints';
import { FileDeadLetters } from '../adapters/file/file-dead-letters.adapter';
import { LineFileSource, LineFileSourceOptions } from '../adapters/file/line-file-source.adapter';
import { FileOutboxNotifier, FileOutboxOptions } from '../adapters/file/outbox-notifier.adapter';
import { NotifierPort } from '../ports/notifier.port';
import { DeadLetterPort } from '../ports/dead-letter.port';
import { InputProgressPort } from '../ports/input-progress.port';
import { SourcePort } from '../ports/source.port';
import type { BatchRunConfig } from './run-config';
import { bindSqlSink } from './sql-sink.binding';

/** `batch` mode's adapters: files in (partition per file name); a MySQL or PostgreSQL result store, dead letters to a file (at least once). */
export function batchIoModule(config: BatchRunConfig, failpoints: Failpoints): ContainerModule {
  return new ContainerModule(({ bind }) => {
    const arrival = config.arrivalMs !== undefined ? { arrivalMs: config.arrivalMs } : {};
    bind(LineFileSourceOptions).toConstantValue({
      input: config.input,
      maxRecordBytes: config.maxRecordBytes,
      partitionIds: 'name',
      ...arrival,
    });
    bind(LineFileSource).toSelf().inSingletonScope();
    bind(SourcePort).toService(LineFileSource);
    bind(InputProgressPort).toService(LineFileSource);
    bindSqlSink(bind, config, failpoints);
    bind(DeadLetterPort).toConstantValue(new FileDeadLetters(config.deadLetter));
    bind(FileOutboxOptions).toConstantValue({ directory: config.outbox, from: 'hexstream <hexstream@localhost>' });
    bind(NotifierPort).to(FileOutboxNotifier).inSingletonScope();
  });
}
