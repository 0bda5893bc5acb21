import type { TriggerOutput } from '../../../src/domain/engine/stream-engine';
import { nothingToWrite, TriggerPolicy, type TriggerSettings } from '../../../src/domain/pipeline/trigger-policy';
import type { DeadLetter, ResultRow } from '../../../src/domain/records';

function policy(overrides: Partial<TriggerSettings> = {}): TriggerPolicy {
  return new TriggerPolicy({ triggerIntervalMs: 1_000, triggerRecords: 100, onStop: 'checkpoint', ...overrides });
}

/** A trigger's output with nothing in it, at these positions. */
function output(positions: ReadonlyArray<readonly [number, number]>, more: Partial<TriggerOutput> = {}): TriggerOutput {
  return {
    rows: [],
    deadLetters: [],
    positions: new Map(positions),
    watermarks: new Map(),
    closedUpToMs: -Infinity,
    closedWindows: 0,
    checkpoint: { partitions: new Map() },
    ...more,
  };
}

const ROW: ResultRow = { key: 'k', values: {}, finalAtMs: 0 };

describe('trigger policy: when a trigger fires', () => {
  const at = { nowMs: 5_000, lastTriggerMs: 4_500, pending: 10, exhausted: false };

  it('does not fire before the count, the interval or the end of the input', () => {
    expect(policy().isDue(at)).toBe(false);
  });

  it('fires once the records since the last trigger reach the count', () => {
    expect(policy().isDue({ ...at, pending: 99 })).toBe(false);
    expect(policy().isDue({ ...at, pending: 100 })).toBe(true);
  });

  it('fires once the interval of processing time has passed', () => {
    expect(policy().isDue({ ...at, nowMs: 5_499 })).toBe(false);
    expect(policy().isDue({ ...at, nowMs: 5_500 })).toBe(true);
  });

  it('fires at the end of a bounded input, with nothing pending', () => {
    expect(policy().isDue({ ...at, pending: 0, exhausted: true })).toBe(true);
  });

  it('asks a poll for the rest of the count, at least one record', () => {
    expect(policy().maxRecords(0)).toBe(100);
    expect(policy().maxRecords(70)).toBe(30);
    expect(policy().maxRecords(100)).toBe(1);
    expect(policy().maxRecords(250)).toBe(1);
  });

  it('lets a poll wait until the interval is up, never less than nothing', () => {
    expect(policy().maxWaitMs(4_800, 4_500)).toBe(700);
    expect(policy().maxWaitMs(5_500, 4_500)).toBe(0);
    expect(policy().maxWaitMs(9_000, 4_500)).toBe(0);
  });
});

describe('trigger policy: whether a trigger commits', () => {
  const committed = new Map([
    [0, 10],
    [1, 20],
  ]);

  it('skips a trigger with nothing to write', () => {
    const idle = output([
      [0, 10],
      [1, 20],
    ]);
    expect(nothingToWrite(idle, committed)).toBe(true);
    expect(policy().commits(idle, committed, false)).toBe(false);
  });

  it('commits a trigger with nothing to write when it must be durable (the last one, before a rebalance)', () => {
    expect(policy().commits(output([[0, 10]]), committed, true)).toBe(true);
  });

  it('commits when a row, a dead letter or a closed window is in it, or a position moved', () => {
    const same: ReadonlyArray<readonly [number, number]> = [
      [0, 10],
      [1, 20],
    ];
    const deadLetter: DeadLetter = { reason: 'late', detail: '', raw: '', partition: 0, position: 3 };
    expect(policy().commits(output(same, { rows: [ROW] }), committed, false)).toBe(true);
    expect(policy().commits(output(same, { deadLetters: [deadLetter] }), committed, false)).toBe(true);
    expect(policy().commits(output(same, { closedWindows: 1 }), committed, false)).toBe(true);
    const moved = output([
      [0, 10],
      [1, 21],
    ]);
    expect(policy().commits(moved, committed, false)).toBe(true);
    expect(policy().commits(output([[2, 0]]), committed, false)).toBe(true);
  });
});

describe('trigger policy: the end of a run', () => {
  it('stores a snapshot with the last trigger of a run that resumes, and with no other', () => {
    expect(policy({ onStop: 'checkpoint' }).takesSnapshot(true)).toBe(true);
    expect(policy({ onStop: 'flush-at-end' }).takesSnapshot(true)).toBe(true);
    expect(policy({ onStop: 'flush' }).takesSnapshot(true)).toBe(false);
    expect(policy({ onStop: 'checkpoint' }).takesSnapshot(false)).toBe(false);
  });

  it('flushes at the end of the input unless the run checkpoints; then keeps or writes the open windows', () => {
    expect(policy({ onStop: 'flush' }).atEndOfInput()).toBe('finish');
    expect(policy({ onStop: 'flush-at-end' }).atEndOfInput()).toBe('finish');
    expect(policy({ onStop: 'checkpoint' }).atEndOfInput()).toBe('keep');
    expect(policy({ onStop: 'checkpoint', atEnd: 'keep' }).atEndOfInput()).toBe('keep');
    expect(policy({ onStop: 'checkpoint', atEnd: 'flush' }).atEndOfInput()).toBe('flush-open');
  });

  it('ends finished partitions only in a run that does not checkpoint', () => {
    expect(policy({ onStop: 'flush' }).endsPartitions()).toBe(true);
    expect(policy({ onStop: 'flush-at-end' }).endsPartitions()).toBe(true);
    expect(policy({ onStop: 'checkpoint' }).endsPartitions()).toBe(false);
  });

  it('flushes on a stop mid-stream only in a run that does not resume', () => {
    expect(policy({ onStop: 'flush' }).onStopMidStream()).toBe('finish');
    expect(policy({ onStop: 'flush-at-end' }).onStopMidStream()).toBe('keep');
    expect(policy({ onStop: 'checkpoint', atEnd: 'flush' }).onStopMidStream()).toBe('keep');
  });

  it('says what became of the open windows, by how the run ended', () => {
    const cases = [
      [{ onStop: 'flush' }, false, 'flushed'],
      [{ onStop: 'flush' }, true, 'flushed'],
      [{ onStop: 'flush-at-end' }, true, 'flushed'],
      [{ onStop: 'flush-at-end' }, false, 'kept'],
      [{ onStop: 'checkpoint', atEnd: 'flush' }, true, 'flushed'],
      [{ onStop: 'checkpoint', atEnd: 'flush' }, false, 'kept'],
      [{ onStop: 'checkpoint' }, true, 'kept'],
    ] as const;
    expect(cases.map(([s, completed]) => policy(s).openWindowsAtEnd(completed))).toEqual(
      cases.map(([, , want]) => want),
    );
  });
});
