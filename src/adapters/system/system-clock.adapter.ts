import { setTimeout as delay } from 'node:timers/promises';
import { injectable } from 'inversify';
import type { ClockPort } from '../../ports/clock.port';

@injectable()
export class SystemClock implements ClockPort {
  private last = 0;

  now(): number {
    // Wall clock, held non-decreasing across clock steps backwards.
    const t = Date.now();
    if (t > this.last) this.last = t;
    return this.last;
  }

  async sleep(ms: number): Promise<void> {
    await delay(Math.max(0, ms));
  }

  every(ms: number, tick: () => void): () => void {
    const timer = setInterval(tick, Math.max(1, ms));
    // Progress lines must not hold a finished run open.
    timer.unref();
    return () => clearInterval(timer);
  }
}
