import { decodeCommitted, type CommittedState } from '../../src/domain/engine/engine-state.codec';
import {
  commitOutput,
  storeCommitOf,
  type StoreWithDeadLetters,
  type TriggerCommit,
} from '../../src/domain/pipeline/pipeline-output';
import type { TableSchema } from '../../src/domain/table-schema';
import type { ResultStorePort } from '../../src/ports/result-store.port';

/**
 * A result store driven with the engine's triggers, as the use case drives it (the engine state
 * encoded on the way in, decoded on the way out), for adapter tests that speak in triggers.
 */
export interface TriggerStore<S extends ResultStorePort> {
  readonly store: S;
  open(table: TableSchema): Promise<CommittedState | undefined>;
  checkpoint(): Promise<CommittedState | undefined>;
  commit(trigger: TriggerCommit): Promise<void>;
  close(): Promise<void>;
}

export function triggerStore<S extends ResultStorePort>(store: S): TriggerStore<S> {
  return {
    store,
    open: async (table) => decodeCommitted(await store.open(table)),
    checkpoint: async () => decodeCommitted(await store.checkpoint()),
    commit: async (trigger) => store.commit(storeCommitOf(trigger)),
    close: () => store.close(),
  };
}

/** A store with its own dead-letter port, driven through the use case's commit step (letters staged, then the commit). */
export function triggerOutput<S extends StoreWithDeadLetters>(store: S): TriggerStore<S> {
  return {
    ...triggerStore(store),
    commit: (trigger) => commitOutput({ store, deadLetters: store.deadLetterPort }, trigger),
  };
}
