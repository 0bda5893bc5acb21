import { ContainerModule } from 'inversify';
import { FinalTableTap } from '../adapters/memory/final-table-tap';
import { PinoLogger, PinoLoggerOptions } from '../adapters/pino/pino-logger.adapter';
import { PrettyLogger } from '../adapters/pino/pretty-logger.adapter';
import { stderrStatusLine } from '../adapters/system/stderr-status-line.adapter';
import { redactor } from '../domain/redaction/redact';
import { ProcessMemory } from '../adapters/system/process-memory.adapter';
import { SystemClock } from '../adapters/system/system-clock.adapter';
import { StreamPipeline, type PipelineSettings } from '../domain/pipeline/stream-pipeline';
import { ClockPort } from '../ports/clock.port';
import { LoggerPort } from '../ports/logger.port';
import { NotifierPort } from '../ports/notifier.port';
import { MemoryUsagePort } from '../ports/memory-usage.port';
import { DeadLetterPort } from '../ports/dead-letter.port';
import { ResultStorePort } from '../ports/result-store.port';
import { RunTelemetryPort } from '../ports/run-telemetry.port';
import { SourcePort } from '../ports/source.port';
import { StatusLinePort } from '../ports/status-line.port';
import { configSecrets } from './config-secrets';
import { RedactingNotifier } from './redacting-notifier';
import { RejectionTally } from './rejection-tally';
import type { RunConfig } from './run-config';

/**
 * What every mode shares: clock, logger, memory gauge, and the pipeline use case wired to whatever ports are
 * bound. The passwords of the run's service URLs are masked in every log line and in every
 * notification, whichever notifier the mode binds.
 */
export function coreModule(config: RunConfig, telemetry?: RunTelemetryPort): ContainerModule {
  return new ContainerModule(({ bind, onActivation }) => {
    const secrets = configSecrets(config);
    const redact = redactor(secrets);
    bind(ClockPort).to(SystemClock).inSingletonScope();
    // Logs share standard error with the progress display of test and batch: a line goes above the bar.
    const stderr = stderrStatusLine();
    bind(StatusLinePort).toConstantValue(stderr);
    bind(PinoLoggerOptions).toConstantValue({
      level: config.logLevel,
      fd: 2,
      secrets,
      write: (line) => stderr.writeLine(line),
    });
    onActivation(NotifierPort, (_ctx, notifier) => new RedactingNotifier(notifier, redact));
    // Whatever the mode's outputs, the dead letters of committed triggers are counted (what a run that accepted nothing says).
    bind(RejectionTally).toConstantValue(new RejectionTally());
    const pretty = (config.logFormat ?? (stderr.isTerminal() ? 'pretty' : 'json')) === 'pretty';
    bind(LoggerPort)
      .to(pretty ? PrettyLogger : PinoLogger)
      .inSingletonScope();
    bind(MemoryUsagePort).to(ProcessMemory).inSingletonScope();
    if (telemetry !== undefined) bind(RunTelemetryPort).toConstantValue(telemetry);
    const keepFinalTable = config.keepFinalTable === true;
    if (keepFinalTable) bind(FinalTableTap).toConstantValue(new FinalTableTap());
    // The domain stays free of decorators: the use case is built here from its ports.
    bind(StreamPipeline)
      .toDynamicValue(
        (ctx) =>
          new StreamPipeline(
            ctx.get(SourcePort),
            {
              store: ctx.get(ResultStorePort),
              deadLetters: ctx.get(DeadLetterPort),
              observers: [ctx.get(RejectionTally), ...(keepFinalTable ? [ctx.get(FinalTableTap)] : [])],
            },
            ctx.get(ClockPort),
            ctx.get(LoggerPort),
            pipelineSettings(config),
            ctx.get(MemoryUsagePort),
            telemetry === undefined ? undefined : { telemetry, mode: config.mode, input: inputOf(config) },
          ),
      )
      .inSingletonScope();
  });
}

/** Where a run's records come from, as its observers show it. */
function inputOf(config: RunConfig): string {
  return config.mode === 'prod' ? `topic ${config.topic}` : config.input;
}

export function pipelineSettings(config: RunConfig): PipelineSettings {
  // Test mode has no state store: a stop ends the run, so open windows are emitted. Prod commits
  // them for the next start, which resumes exactly where this one stopped, and lets the database
  // commit one trigger while the next one is processed. A batch flushes at the end of its files
  // but, stopped before, resumes like prod.
  const onStop = config.mode === 'test' ? 'flush' : config.mode === 'batch' ? 'flush-at-end' : 'checkpoint';
  return { ...config, onStop, overlapCommits: config.mode === 'prod' };
}
