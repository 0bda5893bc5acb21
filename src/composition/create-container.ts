import { Container } from 'inversify';
import { Failpoints } from '../adapters/failpoints/failpoints';
import { HexstreamError } from '../domain/hexstream-error';
import { LoggerPort } from '../ports/logger.port';
import type { RunTelemetryPort } from '../ports/run-telemetry.port';
import { coreModule } from './core.module';
import { fileIoModule } from './file-io.module';
import { batchIoModule } from './batch-io.module';
import { prodIoModule } from './prod-io.module';
import { RunConfig } from './run-config';

export type Mode = RunConfig['mode'];

/**
 * The one place where the mode picks the adapters. `telemetry`, when the process serves an HTTP
 * endpoint, is told what the run does (see `startEndpoint`).
 */
export async function createContainer(mode: Mode, config: RunConfig, telemetry?: RunTelemetryPort): Promise<Container> {
  const container = new Container();
  container.bind(RunConfig).toConstantValue(config);
  if (mode !== config.mode) throw new Error(`createContainer: mode ${mode} with a ${config.mode} configuration`);
  const failpoints = new Failpoints(config.mode === 'test' ? new Map() : config.failpoints, {
    fired: (message, context) => container.get(LoggerPort).error(message, context),
  });
  switch (config.mode) {
    case 'test':
      await container.load(coreModule(config, telemetry), fileIoModule(config));
      break;
    case 'prod':
      await container.load(coreModule(config, telemetry), prodIoModule(config, failpoints));
      break;
    case 'batch':
      await container.load(coreModule(config, telemetry), batchIoModule(config, failpoints));
      break;
  }
  const unclaimed = failpoints.unclaimed();
  if (unclaimed.length > 0) {
    throw new HexstreamError(
      'CONFIG_INVALID',
      `--failpoints: ${unclaimed.join(', ')} ${unclaimed.length === 1 ? 'is' : 'are'} not on the path of this run (${config.mode}, ${sinkOf(config)})`,
    );
  }
  return container;
}

function sinkOf(config: RunConfig): string {
  if (config.mode === 'test') return 'files';
  if (config.mode === 'prod' && config.kafkaOutput !== undefined) return 'rows to Kafka';
  return config.postgresUrl !== undefined ? 'PostgreSQL' : 'MySQL';
}
