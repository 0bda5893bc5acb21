import { KafkaTopicBrowser } from '../adapters/kafka/kafka-topic-browser.adapter';
import { topicRoutes } from '../adapters/topics/topic-routes';
import type { EndpointPart } from './endpoint-part';
import type { RunConfig } from './run-config';

/** What the topic browser needs of the runs it serves beside. */
export interface TopicsPartConfig {
  readonly brokers: readonly string[];
  /** The runs' dead-letter topics: the page filters them by reason. */
  readonly deadLetterTopics: readonly string[];
}

/** The topic browser (`/topics`, `/api/topics`, `/api/messages`) on the runs' broker. */
export function topicsPart(config: TopicsPartConfig): EndpointPart {
  const browser = new KafkaTopicBrowser({ brokers: config.brokers });
  return {
    name: 'topics',
    routes: topicRoutes({ browser, deadLetterTopics: config.deadLetterTopics }),
    close: () => browser.close(),
  };
}

/**
 * The topic browser's part for these runs: only `prod` has a broker to browse (`test` and `batch`
 * get none). Several jobs side by side share the first job's brokers (one `--brokers` for all).
 */
export function topicsPartFor(configs: readonly RunConfig[]): EndpointPart[] {
  const prod = configs.flatMap((c) => (c.mode === 'prod' ? [c] : []));
  const first = prod[0];
  if (first === undefined) return [];
  return [topicsPart({ brokers: first.brokers, deadLetterTopics: prod.map((c) => c.deadLetterTopic) })];
}
