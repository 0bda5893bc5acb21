import { Consumer, kGetApi, type API, type Callback } from '@platformatic/kafka';
import type { GroupMembership } from '../kafka/group-membership';
import type { WakeSignal } from '../kafka/wake-signal';

/**
 * The library's consumer, whose rejoin can wait: when a heartbeat learns of a rebalance the library
 * rejoins at once, and the coordinator would hand this member's partitions to another before the
 * pipeline committed what it processed. While `joinGate` returns a promise, the JoinGroup request
 * waits for it (the hand-over: the commit, or its timeout), as the kafkajs source holds its
 * partitions; the coordinator waits for the members' rejoin up to the rebalance timeout.
 *
 *   heartbeat ✗ REBALANCE_IN_PROGRESS ─▶ 'consumer:group:rebalance' (the source opens the gate)
 *        ─▶ library rejoins ─▶ JoinGroup waits on the gate ─▶ pipeline commits ─▶ acknowledge
 *        ─▶ gate resolves ─▶ JoinGroup sent ─▶ 'consumer:group:join' (new assignment)
 *
 * The request is asked for through `kGetApi`, the library's one way to every broker API.
 */
export class HandOverConsumer extends Consumer {
  joinGate: (() => Promise<void> | undefined) | undefined;

  override [kGetApi]<RequestArguments extends Array<unknown>, ResponseType>(
    name: string,
    callback: Callback<API<RequestArguments, ResponseType>>,
  ): void {
    const gate = name === 'JoinGroup' ? this.joinGate?.() : undefined;
    if (gate === undefined) {
      super[kGetApi](name, callback);
      return;
    }
    void gate.then(() => super[kGetApi](name, callback));
  }
}

/** Resolves once the membership lets the partitions go: the pipeline's commit came (`signal`), or the hand-over timed out. */
export async function handedOver(membership: GroupMembership, signal: WakeSignal): Promise<void> {
  while (membership.holdingPartitions) {
    await signal.wait(Math.max(1, membership.handOverRemainingMs));
    membership.tick();
  }
}
