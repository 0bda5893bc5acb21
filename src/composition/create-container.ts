import { Container } from 'inversify';
import { coreModule } from './core.module';
import { fileIoModule } from './file-io.module';
import { batchIoModule } from './batch-io.module';
import { prodIoModule } from './prod-io.module';
import { RunConfig } from './run-config';

export type Mode = RunConfig['mode'];

/** The one place where the mode picks the adapters. */
export async function createContainer(mode: Mode, config: RunConfig): Promise<Container> {
  const container = new Container();
  container.bind(RunConfig).toConstantValue(config);
  if (mode !== config.mode) throw new Error(`createContainer: mode ${mode} with a ${config.mode} configuration`);
  switch (config.mode) {
    case 'test':
      await container.load(coreModule(config), fileIoModule(config));
      break;
    case 'prod':
      await container.load(coreModule(config), prodIoModule(config));
      break;
    case 'batch':
      await container.load(coreModule(config), batchIoModule(config));
      break;
  }
  return container;
}
