import { Container } from 'inversify';
import { coreModule } from './core.module';
import { fileIoModule } from './file-io.module';
import { RunConfig } from './run-config';

export type Mode = RunConfig['mode'];

/** The one place where the mode picks the adapters. */
export async function createContainer(mode: Mode, config: RunConfig): Promise<Container> {
  const container = new Container();
  container.bind(RunConfig).toConstantValue(config);
  switch (mode) {
    case 'test':
      await container.load(coreModule(config), fileIoModule(config));
      break;
  }
  return container;
}
