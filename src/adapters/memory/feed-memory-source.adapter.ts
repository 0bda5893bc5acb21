import type { ClockPort } from '../../ports/clock.port';
import type { FeedPoll, FeedSourcePort } from '../../ports/feed-source.port';

const EMPTY: FeedPoll = { payloads: [], rejected: [] };

/** One scripted poll: what it returns, or a function making it when polled (to move a test's clock, say). */
export type ScriptedPoll = FeedPoll | (() => FeedPoll);

/**
 * A feed that returns scripted polls, one per `poll` call, then `after`: for tests of the ingest
 * use case. With a clock, a poll with nothing to return sleeps its `maxWaitMs` on it (a manual
 * clock just moves on), as a real feed waits for the next payload; `after` is what it reports
 * once the script is played (say, an outage that goes on).
 */
export class MemoryFeedSource implements FeedSourcePort {
  private readonly script: ScriptedPoll[];
  opened = false;
  closed = false;
  /** `maxWaitMs` of every poll, in order. */
  readonly waits: number[] = [];
  /** The clock's time at every poll (with a clock). */
  readonly polledAtMs: number[] = [];

  constructor(
    script: readonly ScriptedPoll[],
    private readonly clock?: ClockPort,
    private readonly after: FeedPoll = EMPTY,
  ) {
    this.script = [...script];
  }

  /** Adds polls to play after the ones still scripted. */
  push(...polls: ScriptedPoll[]): void {
    this.script.push(...polls);
  }

  /** Whether every scripted poll was returned. */
  played(): boolean {
    return this.script.length === 0;
  }

  async open(): Promise<void> {
    this.opened = true;
  }

  async poll(maxWaitMs: number): Promise<FeedPoll> {
    if (!this.opened || this.closed) throw new Error(`poll on a feed that is ${this.closed ? 'closed' : 'not open'}`);
    this.waits.push(maxWaitMs);
    if (this.clock !== undefined) this.polledAtMs.push(this.clock.now());
    const next = this.script.shift();
    if (next !== undefined) return typeof next === 'function' ? next() : next;
    await this.clock?.sleep(maxWaitMs);
    return this.after;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
