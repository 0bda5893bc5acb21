import {
  FORWARDED_LETTERS,
  FORWARDED_ROWS,
  PostingTelemetry,
  ThreadTelemetryRelay,
  type ThreadTelemetryMessage,
} from '../../src/composition/thread-telemetry';
import { emptyCounters } from '../../src/domain/engine/engine-counters';
import type { TriggerCommit } from '../../src/domain/pipeline/pipeline-output';
import type { DeadLetter, ResultRow } from '../../src/domain/records';
import type { RunIdentity, RunReading } from '../../src/ports/run-telemetry.port';
import { RecordingTelemetry } from '../support/recording-telemetry';

const run = {
  job: 'orders',
  mode: 'prod',
  outputMode: 'update',
  input: 'topic orders',
  startedAtMs: 0,
} as unknown as RunIdentity;

function reading(read: number, assigned: number[]): RunReading {
  return {
    nowMs: read,
    counters: { ...emptyCounters(), read },
    state: { openWindows: 1, rows: read, rememberedIds: 0 },
    assigned,
    lag: new Map(),
    watermarks: new Map(),
    outageMs: { source: 0, sink: 0 },
  };
}

const timing = { startedAtMs: 1, endedAtMs: 2, eventToCommitMs: [5] };

describe('stream threads: telemetry', () => {
  it("tells the endpoint of one run per job, read as the threads' latest readings added up, ended once all threads ended", () => {
    const target = new RecordingTelemetry();
    const relay = new ThreadTelemetryRelay(target, 2);
    relay.receive(0, { kind: 'started', run, reading: reading(10, [0, 2]) });
    relay.receive(1, { kind: 'started', run, reading: reading(0, []) });
    expect(target.calls).toHaveLength(1);
    relay.receive(1, { kind: 'reading', job: 'orders', reading: reading(7, [1, 3]) });
    expect(target.reading()).toMatchObject({ counts: [17, 0, 0, 0, 0, 0, 0], assigned: [0, 1, 2, 3] });
    relay.receive(0, { kind: 'commitFailed', job: 'orders', error: 'down', atMs: 3 });
    relay.receive(0, { kind: 'ended', job: 'orders', outcome: 'completed', atMs: 50 });
    relay.receive(0, { kind: 'ended', job: 'orders', outcome: 'completed', atMs: 50 });
    expect(target.calls.map((c) => (c as unknown[])[0])).toEqual(['runStarted', 'commitFailed']);
    relay.receive(1, { kind: 'ended', job: 'orders', outcome: 'stopped', atMs: 40 });
    expect(target.calls[2]).toEqual(['runEnded', 'orders', 'stopped', 50, expect.anything()]);
  });

  it('a thread gone without an end makes the run failed', () => {
    const target = new RecordingTelemetry();
    const relay = new ThreadTelemetryRelay(target, 2);
    relay.receive(0, { kind: 'started', run });
    relay.receive(1, { kind: 'started', run });
    relay.receive(0, { kind: 'ended', job: 'orders', outcome: 'completed', atMs: 9 });
    relay.threadGone(1, 12);
    relay.threadGone(0, 13);
    expect(target.calls.slice(1)).toEqual([['runEnded', 'orders', 'failed', 12, expect.anything()]]);
  });

  it("a thread sends what its pipeline tells, its reading with each commit and at the end, and only a trigger's last rows", () => {
    jest.useFakeTimers();
    try {
      const sent: ThreadTelemetryMessage[] = [];
      const posting = new PostingTelemetry((m) => sent.push(m), 500);
      let read = 0;
      posting.runStarted(run, () => reading(read, [0]));
      read = 5;
      jest.advanceTimersByTime(1000);
      const rows = Array.from({ length: FORWARDED_ROWS + 3 }, (_, i) => ({ key: String(i) }) as unknown as ResultRow);
      const letters = Array.from(
        { length: FORWARDED_LETTERS + 1 },
        (_, i) => ({ reason: 'late', detail: String(i) }) as unknown as DeadLetter,
      );
      const trigger = {
        sequence: 4,
        rows,
        deadLetters: letters,
        positions: new Map([[0, 9]]),
        watermarks: new Map([[0, 8]]),
        closedUpToMs: 7,
        checkpoint: { partitions: new Map([[0, {}]]) },
      } as unknown as TriggerCommit;
      posting.committed('orders', trigger, timing);
      posting.runEnded('orders', 'completed', 20);
      jest.advanceTimersByTime(5000);
      expect(sent.map((m) => (m.kind === 'reading' ? `reading ${m.reading.counters.read}` : m.kind))).toEqual([
        'started',
        'reading 5',
        'reading 5',
        'committed',
        'reading 5',
        'reading 5',
        'ended',
      ]);
      const committed = sent.find((m) => m.kind === 'committed');
      if (committed?.kind !== 'committed') throw new Error('no commit sent');
      expect(committed.trigger.rows).toEqual(rows.slice(3));
      expect(committed.trigger.deadLetters).toEqual(letters.slice(1));
      expect(committed.trigger.checkpoint.partitions.size).toBe(0);
      expect(committed.timing).toEqual(timing);
      // What crosses threads is structured-cloneable.
      expect(() => structuredClone(sent)).not.toThrow();
    } finally {
      jest.useRealTimers();
    }
  });
});
