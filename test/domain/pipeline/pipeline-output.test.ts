import { MemoryDeadLetters } from '../../../src/adapters/memory/memory-dead-letters.adapter';
import { MemorySink } from '../../../src/adapters/memory/memory-sink.adapter';
import { decodeCommitted } from '../../../src/domain/engine/engine-state.codec';
import { commitOutput, type TriggerCommit } from '../../../src/domain/pipeline/pipeline-output';
import type { DeadLetter } from '../../../src/domain/records';
import type { StoreCommit } from '../../../src/ports/result-store.port';

const letter = (position: number): DeadLetter => ({ reason: 'invalid', detail: 'x', raw: 'r', partition: 0, position });

function trigger(sequence: number, next: number, deadLetters: readonly DeadLetter[]): TriggerCommit {
  const positions = new Map([[0, next]]);
  const watermarks = new Map([[0, 1_000 + next]]);
  return {
    sequence,
    rows: [{ key: `k${sequence}`, finalAtMs: Infinity, values: { n: sequence } }],
    deadLetters,
    positions,
    watermarks,
    closedUpToMs: -Infinity,
    checkpoint: {
      partitions: new Map([
        [
          0,
          {
            nextPosition: next,
            watermarkMs: 1_000 + next,
            replayFrom: next,
            replayMaxEventMs: -Infinity,
            closedUpToMs: -Infinity,
          },
        ],
      ]),
    },
  };
}

/** A store that logs when its commit runs, next to the letters' publishes. */
class LoggingStore extends MemorySink {
  constructor(private readonly log: string[]) {
    super();
  }
  override async commit(commit: StoreCommit): Promise<void> {
    this.log.push(`commit ${commit.sequence}`);
    return super.commit(commit);
  }
}

class LoggingLetters extends MemoryDeadLetters {
  constructor(private readonly log: string[]) {
    super();
  }
  override async publish(letters: readonly DeadLetter[]): Promise<void> {
    this.log.push(`publish ${letters.map((l) => l.position).join(',')}`);
    return super.publish(letters);
  }
}

describe('commitOutput', () => {
  it('publishes the dead letters first, then commits rows, state and positions, then tells the observers', async () => {
    const log: string[] = [];
    const observed: number[] = [];
    const output = {
      store: new LoggingStore(log),
      deadLetters: new LoggingLetters(log),
      observers: [{ committed: (t: TriggerCommit): void => void observed.push(t.sequence) }],
    };
    await commitOutput(output, trigger(0, 3, [letter(1), letter(2)]));
    await commitOutput(output, trigger(1, 5, []));
    expect(log).toEqual(['publish 1,2', 'commit 0', 'commit 1']);
    expect(observed).toEqual([0, 1]);
    expect(decodeCommitted(output.store.lastCheckpoint())?.watermarks).toEqual(new Map([[0, 1_005]]));
  });

  it('commits nothing when the letters cannot be published', async () => {
    const store = new MemorySink();
    const deadLetters = new MemoryDeadLetters();
    deadLetters.failNextPublish(new Error('broker down'));
    await expect(commitOutput({ store, deadLetters }, trigger(0, 3, [letter(1)]))).rejects.toThrow('broker down');
    expect(store.commits).toEqual([]);
    expect(store.table.size).toBe(0);
  });

  it('keeps the letters of a trigger whose commit failed, and sends them again with the retry (at least once)', async () => {
    const store = new MemorySink();
    const deadLetters = new MemoryDeadLetters();
    const observed: number[] = [];
    const output = {
      store,
      deadLetters,
      observers: [{ committed: (t: TriggerCommit): void => void observed.push(t.sequence) }],
    };
    store.failNextCommit(new Error('killed between the two'));
    await expect(commitOutput(output, trigger(0, 3, [letter(1)]))).rejects.toThrow('killed between the two');
    expect(deadLetters.letters.map((l) => l.position)).toEqual([1]);
    expect(store.table.size).toBe(0);
    expect(store.lastCheckpoint()).toBeUndefined();
    expect(observed).toEqual([]);
    await commitOutput(output, trigger(0, 3, [letter(1)]));
    expect(deadLetters.letters.map((l) => l.position)).toEqual([1, 1]);
    expect([...store.table.keys()]).toEqual(['k0']);
    expect(observed).toEqual([0]);
  });
});
