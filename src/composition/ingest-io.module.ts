import { Container, ContainerModule } from 'inversify';
import { FeedFileSink } from '../adapters/file/feed-file-sink.adapter';
import { FileOutboxNotifier, FileOutboxOptions } from '../adapters/file/outbox-notifier.adapter';
import { FeedTopicSink } from '../adapters/kafka/feed-topic-sink.adapter';
import { PinoLogger, PinoLoggerOptions } from '../adapters/pino/pino-logger.adapter';
import { PrettyLogger } from '../adapters/pino/pretty-logger.adapter';
import { stderrStatusLine } from '../adapters/system/stderr-status-line.adapter';
import { SystemClock } from '../adapters/system/system-clock.adapter';
import { withDeadline } from '../adapters/system/deadline';
import { IngestPipeline } from '../domain/ingest/ingest-pipeline';
import type { IngestSettings } from '../domain/ingest/ingest-settings';
import { redactor } from '../domain/redaction/redact';
import { ClockPort } from '../ports/clock.port';
import { FeedSinkPort } from '../ports/feed-sink.port';
import { FeedSourcePort } from '../ports/feed-source.port';
import { LoggerPort } from '../ports/logger.port';
import { NotifierPort } from '../ports/notifier.port';
import { StatusLinePort } from '../ports/status-line.port';
import { feedSource } from './ingest-feed';
import { ingestSecrets, type IngestConfig } from './ingest-config';
import { RedactingNotifier } from './redacting-notifier';
import { smtpNotifierBinding } from './smtp-notifier.binding';

/**
 * `ingest`'s adapters: the feed picked by the URL's scheme (`HttpPollFeed` for http(s)://,
 * `WebSocketFeed` for ws(s)://), the sink by `--to` (`FeedTopicSink`, or `FeedFileSink` for a
 * file), the notifier as in prod; and the use case, built here from its ports. The token is
 * masked in every log line and notification.
 */
export function ingestIoModule(config: IngestConfig): ContainerModule {
  return new ContainerModule(({ bind, onActivation }) => {
    const secrets = ingestSecrets(config);
    const redact = redactor(secrets);
    bind(ClockPort).to(SystemClock).inSingletonScope();
    const stderr = stderrStatusLine();
    bind(StatusLinePort).toConstantValue(stderr);
    bind(PinoLoggerOptions).toConstantValue({
      level: config.logLevel,
      fd: 2,
      secrets,
      write: (l) => stderr.writeLine(l),
    });
    const pretty = (config.logFormat ?? (stderr.isTerminal() ? 'pretty' : 'json')) === 'pretty';
    bind(LoggerPort)
      .to(pretty ? PrettyLogger : PinoLogger)
      .inSingletonScope();
    if (config.smtpUrl !== undefined) smtpNotifierBinding(bind, config.smtpUrl);
    else {
      bind(FileOutboxOptions).toConstantValue({ directory: config.outbox, from: 'hexstream <hexstream@localhost>' });
      bind(NotifierPort).to(FileOutboxNotifier).inSingletonScope();
    }
    onActivation(NotifierPort, (_ctx, notifier) => new RedactingNotifier(notifier, redact));
    bind(FeedSourcePort)
      .toDynamicValue((ctx) => feedSource(config, ctx.get(ClockPort)))
      .inSingletonScope();
    bind(FeedSinkPort)
      .toDynamicValue(() => feedSink(config, redact(config.from)))
      .inSingletonScope();
    bind(IngestPipeline)
      .toDynamicValue(
        (ctx) =>
          new IngestPipeline(
            ctx.get(FeedSourcePort),
            ctx.get(FeedSinkPort),
            ctx.get(ClockPort),
            ctx.get(LoggerPort),
            ingestSettings(config, redact),
          ),
      )
      .inSingletonScope();
  });
}

/** The container of one `ingest` run. */
export async function createIngestContainer(config: IngestConfig): Promise<Container> {
  const container = new Container();
  await container.load(ingestIoModule(config));
  return container;
}

/** Where the run writes, as lines and reports show it. */
export function ingestOutputs(config: IngestConfig): { readonly messages: string; readonly deadLetters: string } {
  const to = config.to;
  return to.kind === 'kafka'
    ? { messages: `topic ${to.topic}`, deadLetters: `topic ${to.deadLetterTopic}` }
    : { messages: to.path, deadLetters: to.deadLetterPath };
}

function feedSink(config: IngestConfig, source: string): FeedSinkPort {
  const to = config.to;
  if (to.kind === 'file') return new FeedFileSink({ path: to.path, deadLetterPath: to.deadLetterPath });
  return new FeedTopicSink({
    brokers: to.brokers,
    topic: to.topic,
    deadLetterTopic: to.deadLetterTopic,
    partitions: to.partitions,
    source,
    clientId: 'hexstream-ingest',
  });
}

function ingestSettings(config: IngestConfig, redact: (text: string) => string): IngestSettings {
  return {
    format: config.format,
    from: redact(config.from),
    to: ingestOutputs(config).messages,
    progressIntervalMs: config.progressIntervalMs,
    maxPending: config.maxPending,
    maxRemembered: config.maxRemembered,
  };
}

/** Bound on closing the feed and the sink after a failed run: past it the error is reported anyway. */
const RELEASE_TIMEOUT_MS = 10_000;

/** After a failed run: the feed's connections and the sink's producer closed, within a bound. */
export async function releaseIngest(container: Container): Promise<void> {
  const closing = Promise.allSettled([container.get(FeedSourcePort).close(), container.get(FeedSinkPort).close()]);
  await withDeadline(
    closing.then(() => undefined),
    RELEASE_TIMEOUT_MS,
    () => undefined,
  );
}
