import { setTimeout as delay } from 'node:timers/promises';

/**
 * Waiters woken together by `wake()`, or each after its own timeout. A waiter that times out
 * leaves nothing behind: a long outage with no arrivals must not pile up one closure per poll.
 */
export class WakeUp {
  private readonly waiters = new Set<() => void>();

  wait(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      this.waiters.add(done);
      if (ms !== undefined) timer = setTimeout(done, Math.max(0, ms));
    });
  }

  wake(): void {
    for (const done of [...this.waiters]) done();
  }
}

/** Waits `ms` (real time), or less if `signal` aborts first; never rejects. */
export async function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return;
  try {
    await delay(ms, undefined, { signal });
  } catch {
    // Aborted: the feed is closing, and the caller checks the signal.
  }
}
