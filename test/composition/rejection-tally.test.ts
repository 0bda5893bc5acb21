import { MemoryDeadLetters } from '../../src/adapters/memory/memory-dead-letters.adapter';
import { RejectionTally, shapeOf } from '../../src/composition/rejection-tally';
import { closeOutput, commitOutput, type TriggerCommit } from '../../src/domain/pipeline/pipeline-output';
import type { DeadLetter } from '../../src/domain/records';
import type { DeadLetterPort } from '../../src/ports/dead-letter.port';
import type { ResultStorePort } from '../../src/ports/result-store.port';

const letter = (reason: DeadLetter['reason'], detail: string): DeadLetter => ({
  reason,
  detail,
  raw: '',
  partition: 0,
  position: 0,
});

describe('RejectionTally', () => {
  it('takes the values out of a detail', () => {
    expect(shapeOf(`not valid JSON: Unexpected token 'A', "ANZ,BUY ,4"... is not valid JSON`)).toBe(
      `not valid JSON: Unexpected token '…', "…" is not valid JSON`,
    );
    expect(shapeOf(`not valid JSON: Unexpected token 'G', "GOOG,SELL,532.99,542" is not valid JSON`)).toBe(
      `not valid JSON: Unexpected token '…', "…" is not valid JSON`,
    );
    expect(shapeOf('invalid UTF-8 at byte 17 of the record')).toBe('invalid UTF-8 at byte N of the record');
    expect(shapeOf('field "count" must be in 1..100, got -2.5e3')).toBe('field "…" must be in N..N, got N');
    expect(
      shapeOf('event time 2025-01-01T00:00:01.000Z is behind watermark 2025-01-01T00:10:00.000Z of partition 2'),
    ).toBe('event time T is behind watermark T of partition N');
  });

  it("counts the records the job's code threw on apart from the invalid ones with the same detail", () => {
    const tally = new RejectionTally();
    tally.add(letter('error', 'add failed on id 2'));
    tally.add(letter('error', 'add failed on id 7'));
    tally.add(letter('invalid', 'add failed on id 9'));
    expect(tally.total).toBe(3);
    expect(tally.mostCommon()).toEqual({ reason: 'error', example: 'add failed on id 2', count: 2 });
  });

  it('counts details that differ only in their values together, and gives the first one as the example', () => {
    const tally = new RejectionTally();
    tally.add(letter('invalid', 'invalid UTF-8 at byte 3 of the record'));
    tally.add(letter('invalid', `not valid JSON: Unexpected token 'A', "ANZ,BUY ,4"... is not valid JSON`));
    tally.add(letter('invalid', `not valid JSON: Unexpected token 'G', "GOOG,SELL,1" is not valid JSON`));
    tally.add(letter('late', `not valid JSON: Unexpected token 'G', "GOOG,SELL,1" is not valid JSON`));
    expect(tally.total).toBe(4);
    expect(tally.mostCommon()).toEqual({
      reason: 'invalid',
      example: `not valid JSON: Unexpected token 'A', "ANZ,BUY ,4"... is not valid JSON`,
      count: 2,
    });
  });

  it('counts the dead letters of a commit once it succeeded, not of one that failed', async () => {
    const tally = new RejectionTally();
    let fail = true;
    const store: ResultStorePort = {
      open: () => Promise.resolve(undefined),
      checkpoint: () => Promise.resolve(undefined),
      commit: () => (fail ? Promise.reject(new Error('down')) : Promise.resolve()),
      close: () => Promise.resolve(),
    };
    const output = { store, deadLetters: new MemoryDeadLetters(), observers: [tally] };
    const trigger: TriggerCommit = {
      sequence: 0,
      rows: [],
      deadLetters: [
        letter('duplicate', 'orderid 7 was already accepted'),
        letter('duplicate', 'orderid 9 was already accepted'),
      ],
      positions: new Map(),
      watermarks: new Map(),
      closedUpToMs: -Infinity,
      checkpoint: { partitions: new Map() },
    };
    await expect(commitOutput(output, trigger)).rejects.toThrow('down');
    expect(tally.total).toBe(0);
    fail = false;
    await commitOutput(output, trigger);
    expect(tally.total).toBe(2);
    expect(tally.mostCommon()).toEqual({ reason: 'duplicate', example: 'orderid 7 was already accepted', count: 2 });
  });
});

describe('closing an output after a failed run', () => {
  /** Ports that record which of their ending calls came. */
  function ending(withAbort: boolean): { store: ResultStorePort; deadLetters: DeadLetterPort; calls: string[] } {
    const calls: string[] = [];
    const ends = (who: string): { close(): Promise<void>; abort?(): Promise<void> } => ({
      close: async () => void calls.push(`${who} close`),
      ...(withAbort ? { abort: async (): Promise<void> => void calls.push(`${who} abort`) } : {}),
    });
    const store: ResultStorePort = {
      open: async () => undefined,
      checkpoint: async () => undefined,
      commit: async () => undefined,
      ...ends('store'),
    };
    const deadLetters: DeadLetterPort = {
      open: async () => undefined,
      publish: async () => undefined,
      ...ends('letters'),
    };
    return { store, deadLetters, calls };
  }

  it('aborts both, so the store is not completed (a file would rename a partial result into place)', async () => {
    const { calls, ...output } = ending(true);
    await closeOutput(output, 'abort');
    expect(calls).toEqual(['store abort', 'letters abort']);
  });

  it('closes ports that have no abort', async () => {
    const { calls, ...output } = ending(false);
    await closeOutput(output, 'abort');
    expect(calls).toEqual(['store close', 'letters close']);
  });
});

describe('RejectionTally snapshots (stream threads)', () => {
  it("adds another tally's dead letters kind by kind", () => {
    const a = new RejectionTally();
    a.add(letter('invalid', 'not valid JSON: "x"'));
    const b = new RejectionTally();
    b.add(letter('late', 'event time 1 is behind'));
    b.add(letter('late', 'event time 2 is behind'));
    b.add(letter('invalid', 'not valid JSON: "y"'));
    b.add(letter('invalid', 'not valid JSON: "z"'));
    const sum = new RejectionTally();
    sum.addSnapshot(structuredClone(a.snapshot()));
    sum.addSnapshot(structuredClone(b.snapshot()));
    expect(sum.total).toBe(5);
    expect(sum.mostCommon()).toEqual({ reason: 'invalid', example: 'not valid JSON: "x"', count: 3 });
  });
});
