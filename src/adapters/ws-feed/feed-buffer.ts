import type { FeedPayload, FeedRejection } from '../../ports/feed-source.port';

/**
 * What arrived between two polls, in arrival order, and how many bytes it holds. `full` tells the
 * feed to stop reading; nothing that arrives is ever refused here (messages the socket had already
 * read when it was paused still come in), so the bound is `limit` plus what one read held.
 */
export class FeedBuffer {
  private payloads: FeedPayload[] = [];
  private rejected: FeedRejection[] = [];
  private bytes = 0;
  private wakers: (() => void)[] = [];

  constructor(private readonly limitBytes: number) {}

  get full(): boolean {
    return this.bytes >= this.limitBytes;
  }

  get empty(): boolean {
    return this.payloads.length === 0 && this.rejected.length === 0;
  }

  addPayload(payload: FeedPayload, bytes: number): void {
    this.payloads.push(payload);
    this.bytes += bytes;
    this.notify();
  }

  addRejection(rejection: FeedRejection): void {
    this.rejected.push(rejection);
    this.bytes += rejection.raw.length + rejection.detail.length;
    this.notify();
  }

  /** Everything held, handed over and forgotten. */
  take(): { payloads: FeedPayload[]; rejected: FeedRejection[] } {
    const out = { payloads: this.payloads, rejected: this.rejected };
    this.payloads = [];
    this.rejected = [];
    this.bytes = 0;
    return out;
  }

  /** Resolves once something is held, `interrupt()` is called, or `maxWaitMs` have passed. */
  async waitForData(maxWaitMs: number): Promise<void> {
    if (!this.empty || maxWaitMs <= 0) return;
    let timer: NodeJS.Timeout | undefined;
    let wake: (() => void) | undefined;
    await new Promise<void>((resolve) => {
      wake = resolve;
      this.wakers.push(resolve);
      timer = setTimeout(resolve, maxWaitMs);
    });
    clearTimeout(timer);
    this.wakers = this.wakers.filter((w) => w !== wake);
  }

  /** Ends a wait early (the feed is closing). */
  interrupt(): void {
    this.notify();
  }

  private notify(): void {
    const wakers = this.wakers;
    this.wakers = [];
    for (const wake of wakers) wake();
  }
}
