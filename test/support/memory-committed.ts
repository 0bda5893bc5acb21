import type { MemorySink } from '../../src/adapters/memory/memory-sink.adapter';
import { decodeCommitted, type CommittedState } from '../../src/domain/engine/engine-state.codec';
import type { StoreCommit } from '../../src/ports/result-store.port';

/** What a memory store holds, as the engine reads it back (watermarks and replay points decoded). */
export function committedOf(sink: MemorySink): CommittedState | undefined {
  return decodeCommitted(sink.lastCheckpoint());
}

/** The watermarks one commit stored, decoded from its engine state. */
export function watermarksOf(commit: StoreCommit): ReadonlyMap<number, number> {
  return decodeCommitted({ positions: commit.positions, engineState: commit.engineState })?.watermarks ?? new Map();
}
