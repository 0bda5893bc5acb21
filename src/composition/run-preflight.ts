import { checkInputTopic } from '../adapters/kafka/input-topic';
import type { RunConfig } from './run-config';
import { checkServiceHosts } from './service-hosts';

/**
 * What a run checks before it starts: the services' host names resolve (see `checkServiceHosts`),
 * and prod's input topic exists (see `checkInputTopic`), so that a typo fails with one clear line.
 */
export async function checkRunServices(config: RunConfig): Promise<void> {
  if (config.mode !== 'test') await checkServiceHosts(config);
  if (config.mode === 'prod') await checkInputTopic(config.brokers, config.topic);
}
