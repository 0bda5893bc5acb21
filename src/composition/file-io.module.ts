import { ContainerModule } from 'inversify';
import { JsonLinesFileSink, JsonLinesFileSinkOptions } from '../adapters/file/jsonl-file-sink.adapter';
import { LineFileSource, LineFileSourceOptions } from '../adapters/file/line-file-source.adapter';
import { FileOutboxNotifier, FileOutboxOptions } from '../adapters/file/outbox-notifier.adapter';
import { NotifierPort } from '../ports/notifier.port';
import { DeadLetterPort } from '../ports/dead-letter.port';
import { ResultStorePort } from '../ports/result-store.port';
import { InputProgressPort } from '../ports/input-progress.port';
import { SourcePort } from '../ports/source.port';
import type { TestRunConfig } from './run-config';

/** `test` mode's adapters: input files, JSON Lines outputs, and an outbox folder for e-mail. */
export function fileIoModule(config: TestRunConfig): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(LineFileSourceOptions).toConstantValue({
      input: config.input,
      maxRecordBytes: config.maxRecordBytes,
      ...(config.arrivalMs !== undefined ? { arrivalMs: config.arrivalMs } : {}),
    });
    bind(LineFileSource).toSelf().inSingletonScope();
    bind(SourcePort).toService(LineFileSource);
    bind(InputProgressPort).toService(LineFileSource);
    bind(JsonLinesFileSinkOptions).toConstantValue({ tablePath: config.output, deadLetterPath: config.deadLetter });
    bind(JsonLinesFileSink).toSelf().inSingletonScope();
    bind(ResultStorePort).toService(JsonLinesFileSink);
    bind(DeadLetterPort)
      .toDynamicValue((ctx) => ctx.get(JsonLinesFileSink).deadLetterPort)
      .inSingletonScope();
    bind(FileOutboxOptions).toConstantValue({ directory: config.outbox, from: 'hexstream <hexstream@localhost>' });
    bind(NotifierPort).to(FileOutboxNotifier).inSingletonScope();
  });
}
