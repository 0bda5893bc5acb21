import type { ServiceIdentifier } from 'inversify';

/**
 * The consumer group member a `--to-kafka` transaction commits offsets for (KIP-447): the broker
 * refuses the offsets — and so the transaction — of a member whose generation is over (a zombie
 * that lost its partitions) or whose member id was replaced (a static member restarted elsewhere).
 */
export interface ConsumerGroupMember {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | undefined;
  /** The broker coordinating the group, which takes the offsets. */
  readonly coordinatorId: number;
}

/** The source's side: who it is in the group right now (`undefined` before it joined). */
export interface ConsumerGroupMetadata {
  groupMember(): ConsumerGroupMember | undefined;
}

export const ConsumerGroupMetadata: ServiceIdentifier<ConsumerGroupMetadata> = Symbol.for(
  'hexstream.ConsumerGroupMetadata',
);
