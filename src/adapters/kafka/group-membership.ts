import type { ClockPort } from '../../ports/clock.port';

/**
 * This member's place in its consumer group, as the Kafka source sees it. No Kafka client here: the
 * adapter (on kafkajs or @platformatic/kafka) feeds in what its client and the pipeline do, and acts on what comes back. Time is the
 * clock's: the hand-over deadline is read from it on `tick`.
 *
 * The main paths (the table below has every transition):
 *
 *              first join              heartbeat ✗ REBALANCE_IN_PROGRESS
 *   joining ──────────────▶ reading ─────────────────────────────────────▶ revoking
 *                           ▲  ▲  │ heartbeat ✗                              │ poll ─▶ { revoking }
 *                      seek │  │  ▼ otherwise                                ▼
 *                           │  └─ fenced                                 handing-over
 *                           │  join, same set     join, same set ─▶ reading  │ acknowledge covering all
 *                           │                          ▲                     │ delivered, or timeout
 *   assigned-awaiting-seek ─┘ ◀─── join, other set ── handed-over ◀──────────┘
 *
 * | event                          | from                                      | to                     |
 * |--------------------------------|-------------------------------------------|------------------------|
 * | join                           | joining                                   | reading (`start`)      |
 * | join, same partitions          | reading, fenced, handed-over              | reading (`continue`)   |
 * | join, same partitions          | (fenced-)assigned-awaiting-seek           | assigned-awaiting-seek |
 * | join, other partitions         | reading, fenced, handed-over, awaiting    | assigned-awaiting-seek |
 * | join                           | revoking, handing-over: ends the hand-over uncommitted, then as handed-over |
 * | heartbeat ✗ rebalance          | reading                                   | revoking (deadline)    |
 * | heartbeat ✗ otherwise          | reading / assigned-awaiting-seek          | fenced(-awaiting-seek) |
 * | poll                           | revoking (covers what was delivered)      | handing-over           |
 * | acknowledge covering all       | handing-over                              | handed-over            |
 * | tick past the deadline         | revoking, handing-over                    | handed-over            |
 * | seek                           | assigned- / fenced-awaiting-seek          | reading / fenced       |
 * | crash, not restarted           | any but closed                            | failed                 |
 * | close                          | any                                       | closed                 |
 *
 * Orthogonal to these, a crash kafkajs restarts marks an outage, which the next join or fetched
 * batch ends: a rebalance may begin and end during one.
 *
 * | state                  | fetched records | poll                                          |
 * |------------------------|-----------------|-----------------------------------------------|
 * | joining, reading       | queued          | reads                                         |
 * | revoking               | queued          | announces `revoking` (once)                   |
 * | handing-over           | queued          | waits, delivers nothing                       |
 * | handed-over            | dropped         | waits for the join, delivers nothing          |
 * | assigned-awaiting-seek | dropped         | reports `assigned` (once), reads what is left |
 * | fenced(-awaiting-seek) | dropped (stale) | reads what is queued                          |
 * | failed                 | queued          | throws                                        |
 * | closed                 | dropped         | —                                             |
 */
export type MembershipState =
  | 'joining'
  | 'reading'
  | 'revoking'
  | 'handing-over'
  | 'handed-over'
  | 'assigned-awaiting-seek'
  | 'fenced'
  | 'fenced-awaiting-seek'
  | 'failed'
  | 'closed';

/** What the adapter does with a group join: where kafkajs must start each partition. */
export type JoinDecision =
  /** The first assignment: every partition from its stored position (or the log's start). */
  | { readonly kind: 'start'; readonly partitions: readonly number[] }
  /** The same partitions again: on exactly after what is queued, not from Kafka's committed offsets. */
  | { readonly kind: 'continue'; readonly partitions: readonly number[] }
  /** Other partitions: drop what is queued; the pipeline rebuilds them and seeks. */
  | { readonly kind: 'reassigned'; readonly partitions: readonly number[] }
  | { readonly kind: 'ignore' };

/** The first thing a poll does; `wait-*`: wait, then ask again naming the wait. */
export type PollStep =
  | { readonly kind: 'fail'; readonly error: Error }
  | { readonly kind: 'revoking' }
  | { readonly kind: 'wait-hand-over' }
  | { readonly kind: 'wait-rejoin' }
  | { readonly kind: 'empty' }
  | { readonly kind: 'assigned'; readonly partitions: readonly number[] }
  | { readonly kind: 'read' };

export interface HandOverOutcome {
  /** Whether an acknowledge covering every delivered record came before the partitions went. */
  readonly committedFirst: boolean;
  readonly waitedMs: number;
}

interface HandOver {
  readonly startedMs: number;
  readonly deadlineMs: number;
  /** Per partition, what the commit asked for by the `revoking` poll must reach (set by that poll). */
  covers: ReadonlyMap<number, number>;
}

export class GroupMembership {
  private current: MembershipState = 'joining';
  private assignedPartitions: readonly number[] = [];
  /** A new assignment the next poll reports. */
  private pendingAssignment: readonly number[] | undefined;
  /** Per partition, the offset after the last record delivered since the last seek. */
  private readonly delivered = new Map<number, number>();
  private handOver: HandOver | undefined;
  private outcome: HandOverOutcome | undefined;
  private failure: Error | undefined;
  private outageReason: string | undefined;

  constructor(
    private readonly clock: ClockPort,
    private readonly handOverTimeoutMs: number,
  ) {}

  get state(): MembershipState {
    return this.current;
  }

  /** The partitions read: all of the topic's until the first join, then the last join's or seek's. */
  get partitions(): readonly number[] {
    return this.assignedPartitions;
  }

  /** Why the broker cannot be reached, while kafkajs reconnects on its own. */
  get outage(): string | undefined {
    return this.outageReason;
  }

  /** How the last hand-over ended (for the log). */
  get lastHandOver(): HandOverOutcome | undefined {
    return this.outcome;
  }

  get hasPendingAssignment(): boolean {
    return this.pendingAssignment !== undefined;
  }

  /** Whether the partitions are still held for the pipeline's commit. */
  get holdingPartitions(): boolean {
    return this.current === 'revoking' || this.current === 'handing-over';
  }

  /** Until the hand-over timeout fires (0 when not handing over). */
  get handOverRemainingMs(): number {
    return this.handOver === undefined ? 0 : Math.max(0, this.handOver.deadlineMs - this.clock.now());
  }

  /** Whether records kafkajs fetches now are queued (not stale, not awaiting a seek). */
  get accepting(): boolean {
    const s = this.current;
    return s === 'joining' || s === 'reading' || s === 'revoking' || s === 'handing-over' || s === 'failed';
  }

  /** The topic's partitions, read until the group assigns some. */
  opened(partitions: readonly number[]): void {
    this.assignedPartitions = [...partitions].sort((a, b) => a - b);
  }

  /** kafkajs GROUP_JOIN. An answer during a hand-over ends it: the group has moved on. */
  joined(assigned: readonly number[]): JoinDecision {
    const s = this.current;
    if (s === 'failed' || s === 'closed') return { kind: 'ignore' };
    this.outageReason = undefined;
    const partitions = [...assigned].sort((a, b) => a - b);
    if (this.holdingPartitions) this.endHandOver(false);
    if (s === 'joining') {
      this.current = 'reading';
      this.assignedPartitions = partitions;
      return { kind: 'start', partitions };
    }
    if (partitions.join(',') === this.assignedPartitions.join(',')) {
      const awaitingSeek = s === 'assigned-awaiting-seek' || s === 'fenced-awaiting-seek';
      this.current = awaitingSeek ? 'assigned-awaiting-seek' : 'reading';
      return { kind: 'continue', partitions };
    }
    this.current = 'assigned-awaiting-seek';
    this.pendingAssignment = partitions;
    return { kind: 'reassigned', partitions };
  }

  /**
   * A heartbeat failed. A rebalance that begins while reading starts a hand-over (`true`): the
   * caller holds on until `holdingPartitions` is false. Anything else fences the member: what
   * kafkajs still hands out from its last fetch is stale until the group answers.
   */
  heartbeatFailed(rebalancing: boolean): boolean {
    const s = this.current;
    if (s === 'reading' && rebalancing) {
      const now = this.clock.now();
      this.current = 'revoking';
      this.handOver = { startedMs: now, deadlineMs: now + this.handOverTimeoutMs, covers: new Map() };
      return true;
    }
    if (s === 'reading') this.current = 'fenced';
    else if (s === 'assigned-awaiting-seek') this.current = 'fenced-awaiting-seek';
    return false;
  }

  /** kafkajs CRASH. */
  crashed(restart: boolean, error: Error, reason: string): void {
    if (this.current === 'closed' || this.current === 'failed') return;
    if (restart) {
      this.outageReason = reason;
      return;
    }
    if (this.holdingPartitions) this.endHandOver(false);
    this.current = 'failed';
    this.failure = error;
  }

  /** kafkajs handed out a batch: the broker answers again. */
  batchFetched(): void {
    this.outageReason = undefined;
  }

  /**
   * The poll's next step. `after` names the wait this poll already did: each wait happens at most
   * once per poll, and a poll that waited for the hand-over announces nothing new.
   */
  pollStep(after?: 'hand-over' | 'rejoin'): PollStep {
    const s = this.current;
    if (after === undefined) {
      if (s === 'failed' && this.failure !== undefined) return { kind: 'fail', error: this.failure };
      if (s === 'revoking') return this.announceRevoke();
      if (s === 'handing-over') return { kind: 'wait-hand-over' };
    } else if (after === 'hand-over' && this.holdingPartitions) return { kind: 'empty' };
    if (s === 'handed-over') return after === 'rejoin' ? { kind: 'empty' } : { kind: 'wait-rejoin' };
    const partitions = this.pendingAssignment;
    if (partitions === undefined) return { kind: 'read' };
    this.pendingAssignment = undefined;
    return { kind: 'assigned', partitions };
  }

  /** After a poll waited for records: go on reading, or return nothing (or fail). */
  afterReadWait(): PollStep {
    if (this.current === 'failed' && this.failure !== undefined) return { kind: 'fail', error: this.failure };
    return this.holdingPartitions || this.pendingAssignment !== undefined ? { kind: 'empty' } : { kind: 'read' };
  }

  /** A poll handed out records up to these positions (per partition, the offset after the last). */
  deliveredUpTo(next: ReadonlyMap<number, number>): void {
    for (const [p, n] of next) this.delivered.set(p, n);
  }

  /** The pipeline said where each partition starts: fetched records count again. */
  sought(partitions: readonly number[]): void {
    this.delivered.clear();
    this.assignedPartitions = [...partitions].sort((a, b) => a - b);
    if (this.current === 'assigned-awaiting-seek') this.current = 'reading';
    else if (this.current === 'fenced-awaiting-seek') this.current = 'fenced';
  }

  /**
   * The sink committed these positions. Only one covering every record delivered before the
   * `revoking` poll lets the partitions go: with overlapping commits, an earlier trigger's may
   * land first.
   */
  acknowledged(positions: ReadonlyMap<number, number>): void {
    const h = this.handOver;
    if (this.current !== 'handing-over' || h === undefined) return;
    if ([...h.covers].every(([p, next]) => (positions.get(p) ?? -1) >= next)) this.endHandOver(true);
  }

  /** Lets the clock speak: a hand-over past its deadline lets the partitions go uncommitted. */
  tick(): void {
    const h = this.handOver;
    if (this.holdingPartitions && h !== undefined && this.clock.now() >= h.deadlineMs) this.endHandOver(false);
  }

  /** Ends everything; a hand-over in progress lets go (leaving the group does the same). */
  close(): void {
    if (this.holdingPartitions) this.endHandOver(false);
    this.current = 'closed';
    this.pendingAssignment = undefined;
  }

  private announceRevoke(): PollStep {
    const h = this.handOver;
    if (h !== undefined) {
      // What the commit asked for must cover (an earlier trigger's commit may still be in flight).
      const owned = new Set(this.assignedPartitions);
      h.covers = new Map([...this.delivered].filter(([p]) => owned.has(p)));
    }
    this.current = 'handing-over';
    return { kind: 'revoking' };
  }

  private endHandOver(committedFirst: boolean): void {
    const started = this.handOver?.startedMs ?? this.clock.now();
    this.outcome = { committedFirst, waitedMs: this.clock.now() - started };
    this.handOver = undefined;
    this.current = 'handed-over';
  }
}
