import type { ServiceIdentifier } from 'inversify';
import type { KafkaSourceOptions } from '../kafka/kafka-source.adapter';

export interface PlatformaticSourceOptions extends KafkaSourceOptions {
  /**
   * The member's `group.instance.id` (static membership, KIP-345): a member restarted with the
   * same id gets its partitions back at once, without a rebalance. Unique among the group's
   * concurrent members; absent: a dynamic member.
   */
  readonly groupInstanceId?: string;
}

export const PlatformaticSourceOptions: ServiceIdentifier<PlatformaticSourceOptions> = Symbol.for(
  'hexstream.PlatformaticSourceOptions',
);
