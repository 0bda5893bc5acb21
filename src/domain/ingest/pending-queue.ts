import type { FeedDeadLetter, FeedMessage } from '../../ports/feed-sink.port';

type Pending = { readonly message: FeedMessage } | { readonly deadLetter: FeedDeadLetter };

/** The first items of the queue, split for `FeedSinkPort.send`, each list in arrival order. */
export interface PendingBatch {
  readonly messages: readonly FeedMessage[];
  readonly deadLetters: readonly FeedDeadLetter[];
  /** Items it holds: what `drop` removes once the sink took them. */
  readonly count: number;
}

/**
 * Messages and dead letters waiting for the sink, first in first out: what the sink refused stays
 * at the head and is sent again, in the same order, before anything newer.
 */
export class PendingQueue {
  private items: Pending[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(messages: readonly FeedMessage[], deadLetters: readonly FeedDeadLetter[]): void {
    for (const message of messages) this.items.push({ message });
    for (const deadLetter of deadLetters) this.items.push({ deadLetter });
  }

  /** At most `max` items from the head, left in the queue. */
  peek(max: number): PendingBatch {
    const messages: FeedMessage[] = [];
    const deadLetters: FeedDeadLetter[] = [];
    const end = Math.min(this.items.length, this.head + max);
    for (let i = this.head; i < end; i++) {
      const item = this.items[i];
      if (item === undefined) break;
      if ('message' in item) messages.push(item.message);
      else deadLetters.push(item.deadLetter);
    }
    return { messages, deadLetters, count: end - this.head };
  }

  /** Removes `count` items from the head (the ones a `peek` returned and the sink took). */
  drop(count: number): void {
    this.head = Math.min(this.items.length, this.head + count);
    // Compacts once the sent part is the larger one: amortised O(1) per item, no unbounded growth.
    if (this.head > 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
