import { GroupMembership, type MembershipState } from '../../../src/adapters/kafka/group-membership';
import { ManualClock } from '../../../src/adapters/memory/manual-clock.adapter';

const HAND_OVER_MS = 5_000;

function member(clock = new ManualClock(1_000)): GroupMembership {
  const m = new GroupMembership(clock, HAND_OVER_MS);
  m.opened([2, 0, 1]);
  return m;
}

/** A member that joined with partitions 0 and 1, was sought, and delivered up to 0:10, 1:7. */
function reading(clock = new ManualClock(1_000)): GroupMembership {
  const m = member(clock);
  m.joined([1, 0]);
  m.sought([0, 1]);
  m.deliveredUpTo(
    new Map([
      [0, 10],
      [1, 7],
    ]),
  );
  return m;
}

/** A member whose partitions went to the rebalance, waiting for the group's answer. */
function handedOver(clock = new ManualClock(1_000)): GroupMembership {
  const m = reading(clock);
  m.heartbeatFailed(true);
  m.pollStep();
  m.acknowledged(
    new Map([
      [0, 10],
      [1, 7],
    ]),
  );
  return m;
}

describe('GroupMembership', () => {
  it('reads the topic’s partitions until the first join, then starts the assigned ones from their stored positions', () => {
    const m = member();
    expect(m.state).toBe('joining');
    expect(m.partitions).toEqual([0, 1, 2]);
    expect(m.joined([1, 0])).toEqual({ kind: 'start', partitions: [0, 1] });
    expect(m.state).toBe('reading');
    expect(m.partitions).toEqual([0, 1]);
    expect(m.pollStep()).toEqual({ kind: 'read' });
  });

  it('holds the partitions through a rebalance until a commit covering everything delivered is acknowledged', () => {
    const clock = new ManualClock(1_000);
    const m = reading(clock);
    expect(m.heartbeatFailed(true)).toBe(true);
    expect(m.state).toBe('revoking');
    expect(m.holdingPartitions).toBe(true);
    // Fetched records are still queued while the partitions are held.
    expect(m.accepting).toBe(true);
    expect(m.pollStep()).toEqual({ kind: 'revoking' });
    expect(m.state).toBe('handing-over');
    expect(m.pollStep()).toEqual({ kind: 'wait-hand-over' });
    expect(m.pollStep('hand-over')).toEqual({ kind: 'empty' });
    // An earlier trigger's commit, in flight when the rebalance began, lands first: not enough.
    clock.advance(300);
    m.acknowledged(
      new Map([
        [0, 10],
        [1, 6],
      ]),
    );
    expect(m.state).toBe('handing-over');
    clock.advance(200);
    m.acknowledged(
      new Map([
        [0, 10],
        [1, 7],
      ]),
    );
    expect(m.state).toBe('handed-over');
    expect(m.holdingPartitions).toBe(false);
    expect(m.lastHandOver).toEqual({ committedFirst: true, waitedMs: 500 });
    // Nothing is delivered until the new assignment.
    expect(m.accepting).toBe(false);
    expect(m.pollStep()).toEqual({ kind: 'wait-rejoin' });
    expect(m.pollStep('rejoin')).toEqual({ kind: 'empty' });
    expect(m.joined([2, 1])).toEqual({ kind: 'reassigned', partitions: [1, 2] });
    expect(m.state).toBe('assigned-awaiting-seek');
    expect(m.accepting).toBe(false);
    expect(m.pollStep()).toEqual({ kind: 'assigned', partitions: [1, 2] });
    expect(m.pollStep()).toEqual({ kind: 'read' });
    m.sought([2, 1]);
    expect(m.state).toBe('reading');
    expect(m.partitions).toEqual([1, 2]);
    expect(m.accepting).toBe(true);
  });

  it('covers only what was delivered of its own partitions before the revoking poll', () => {
    const m = reading();
    m.deliveredUpTo(new Map([[2, 4]]));
    m.heartbeatFailed(true);
    m.pollStep();
    // Delivered after the announcement: not part of what the commit must cover.
    m.deliveredUpTo(new Map([[0, 12]]));
    m.acknowledged(
      new Map([
        [0, 10],
        [1, 7],
      ]),
    );
    expect(m.state).toBe('handed-over');
  });

  it('lets the partitions go uncommitted once the hand-over timeout passes on the clock', () => {
    const clock = new ManualClock(1_000);
    const m = reading(clock);
    m.heartbeatFailed(true);
    expect(m.handOverRemainingMs).toBe(HAND_OVER_MS);
    m.pollStep();
    clock.advance(HAND_OVER_MS - 1);
    m.tick();
    expect(m.state).toBe('handing-over');
    expect(m.handOverRemainingMs).toBe(1);
    clock.advance(1);
    m.tick();
    expect(m.state).toBe('handed-over');
    expect(m.handOverRemainingMs).toBe(0);
    expect(m.lastHandOver).toEqual({ committedFirst: false, waitedMs: HAND_OVER_MS });
    // A late acknowledge changes nothing.
    m.acknowledged(
      new Map([
        [0, 10],
        [1, 7],
      ]),
    );
    expect(m.state).toBe('handed-over');
  });

  it('times out a rebalance the pipeline never polled for', () => {
    const clock = new ManualClock(1_000);
    const m = reading(clock);
    m.heartbeatFailed(true);
    clock.advance(HAND_OVER_MS);
    m.tick();
    expect(m.state).toBe('handed-over');
    expect(m.pollStep()).toEqual({ kind: 'wait-rejoin' });
  });

  it('keeps reporting a broker outage through a revoke, until the group answers again', () => {
    const m = reading();
    m.crashed(true, new Error('connection refused'), 'Kafka at b:9092: ECONNREFUSED');
    expect(m.outage).toBe('Kafka at b:9092: ECONNREFUSED');
    expect(m.state).toBe('reading');
    expect(m.heartbeatFailed(true)).toBe(true);
    expect(m.pollStep()).toEqual({ kind: 'revoking' });
    expect(m.outage).toBe('Kafka at b:9092: ECONNREFUSED');
    m.acknowledged(
      new Map([
        [0, 10],
        [1, 7],
      ]),
    );
    expect(m.state).toBe('handed-over');
    expect(m.outage).toBe('Kafka at b:9092: ECONNREFUSED');
    expect(m.joined([0, 1])).toEqual({ kind: 'continue', partitions: [0, 1] });
    expect(m.state).toBe('reading');
    expect(m.outage).toBeUndefined();
  });

  it('ends an outage when a batch is fetched again', () => {
    const m = reading();
    m.crashed(true, new Error('x'), 'down');
    m.batchFetched();
    expect(m.outage).toBeUndefined();
    expect(m.state).toBe('reading');
  });

  it('drops stale batches after a failed heartbeat and goes on reading after a join with the same partitions', () => {
    const m = reading();
    expect(m.heartbeatFailed(false)).toBe(false);
    expect(m.state).toBe('fenced');
    expect(m.accepting).toBe(false);
    // What is already queued is still delivered.
    expect(m.pollStep()).toEqual({ kind: 'read' });
    expect(m.heartbeatFailed(true)).toBe(false);
    expect(m.state).toBe('fenced');
    expect(m.joined([0, 1])).toEqual({ kind: 'continue', partitions: [0, 1] });
    expect(m.state).toBe('reading');
    expect(m.accepting).toBe(true);
  });

  it('takes an assignment arriving while fenced as a rebalance: nothing is read until the seek', () => {
    const m = reading();
    m.heartbeatFailed(false);
    expect(m.joined([0, 1, 2])).toEqual({ kind: 'reassigned', partitions: [0, 1, 2] });
    expect(m.state).toBe('assigned-awaiting-seek');
    expect(m.accepting).toBe(false);
    expect(m.pollStep()).toEqual({ kind: 'assigned', partitions: [0, 1, 2] });
    m.sought([0, 1, 2]);
    expect(m.state).toBe('reading');
  });

  it('stays fenced through a seek when a heartbeat failed while awaiting it, until the group answers', () => {
    const m = reading();
    m.joined([0]);
    expect(m.heartbeatFailed(true)).toBe(false);
    expect(m.state).toBe('fenced-awaiting-seek');
    expect(m.joined([0])).toEqual({ kind: 'reassigned', partitions: [0] });
    m.heartbeatFailed(false);
    m.sought([0]);
    expect(m.state).toBe('fenced');
    expect(m.accepting).toBe(false);
    expect(m.pollStep()).toEqual({ kind: 'assigned', partitions: [0] });
    expect(m.joined([0])).toEqual({ kind: 'continue', partitions: [0] });
    expect(m.state).toBe('reading');
  });

  it('still awaits the seek after a join with the partitions it had before the rebalance', () => {
    const m = reading();
    m.joined([0]);
    m.heartbeatFailed(false);
    expect(m.joined([1, 0])).toEqual({ kind: 'continue', partitions: [0, 1] });
    expect(m.state).toBe('assigned-awaiting-seek');
    expect(m.pollStep()).toEqual({ kind: 'assigned', partitions: [0] });
  });

  it('ends a hand-over when the group answers before the commit', () => {
    const m = reading();
    m.heartbeatFailed(true);
    m.pollStep();
    expect(m.joined([1])).toEqual({ kind: 'reassigned', partitions: [1] });
    expect(m.state).toBe('assigned-awaiting-seek');
    expect(m.lastHandOver).toEqual({ committedFirst: false, waitedMs: 0 });
  });

  it('fails for good on a crash kafkajs does not restart, and ignores the group after it', () => {
    const m = reading();
    const error = new Error('stopped');
    m.crashed(false, error, 'stopped');
    expect(m.state).toBe('failed');
    expect(m.pollStep()).toEqual({ kind: 'fail', error });
    expect(m.afterReadWait()).toEqual({ kind: 'fail', error });
    expect(m.joined([0, 1])).toEqual({ kind: 'ignore' });
    m.crashed(true, new Error('again'), 'down');
    expect(m.outage).toBeUndefined();
  });

  it('lets a held hand-over go when kafkajs gives up, and fails', () => {
    const m = reading();
    m.heartbeatFailed(true);
    m.pollStep();
    const error = new Error('stopped');
    m.crashed(false, error, 'stopped');
    expect(m.state).toBe('failed');
    expect(m.holdingPartitions).toBe(false);
    expect(m.lastHandOver).toEqual({ committedFirst: false, waitedMs: 0 });
    expect(m.pollStep('hand-over')).toEqual({ kind: 'read' });
    expect(m.afterReadWait()).toEqual({ kind: 'fail', error });
  });

  it('after waiting for records, returns nothing once a rebalance began or an assignment came', () => {
    const m = reading();
    expect(m.afterReadWait()).toEqual({ kind: 'read' });
    m.heartbeatFailed(true);
    expect(m.afterReadWait()).toEqual({ kind: 'empty' });
    const n = handedOver();
    n.joined([2]);
    expect(n.afterReadWait()).toEqual({ kind: 'empty' });
  });

  describe('close', () => {
    const cases: readonly [MembershipState, () => GroupMembership][] = [
      ['joining', () => member()],
      ['reading', () => reading()],
      [
        'revoking',
        () => {
          const m = reading();
          m.heartbeatFailed(true);
          return m;
        },
      ],
      [
        'handing-over',
        () => {
          const m = reading();
          m.heartbeatFailed(true);
          m.pollStep();
          return m;
        },
      ],
      ['handed-over', () => handedOver()],
      [
        'assigned-awaiting-seek',
        () => {
          const m = handedOver();
          m.joined([2]);
          return m;
        },
      ],
      [
        'fenced',
        () => {
          const m = reading();
          m.heartbeatFailed(false);
          return m;
        },
      ],
      [
        'fenced-awaiting-seek',
        () => {
          const m = handedOver();
          m.joined([2]);
          m.heartbeatFailed(false);
          return m;
        },
      ],
      [
        'failed',
        () => {
          const m = reading();
          m.crashed(false, new Error('stopped'), 'stopped');
          return m;
        },
      ],
      [
        'closed',
        () => {
          const m = reading();
          m.close();
          return m;
        },
      ],
    ];

    it.each(cases)('from %s: closed, holding nothing, taking no batch, ignoring the group', (state, make) => {
      const m = make();
      expect(m.state).toBe(state);
      m.close();
      expect(m.state).toBe('closed');
      expect(m.holdingPartitions).toBe(false);
      expect(m.accepting).toBe(false);
      expect(m.hasPendingAssignment).toBe(false);
      expect(m.joined([0, 1])).toEqual({ kind: 'ignore' });
      expect(m.heartbeatFailed(true)).toBe(false);
      expect(m.state).toBe('closed');
    });

    it('lets a held hand-over go uncommitted, after the time it waited', () => {
      const clock = new ManualClock(1_000);
      const m = reading(clock);
      m.heartbeatFailed(true);
      m.pollStep();
      clock.advance(1_200);
      m.close();
      expect(m.lastHandOver).toEqual({ committedFirst: false, waitedMs: 1_200 });
    });
  });
});
