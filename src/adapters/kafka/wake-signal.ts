/**
 * One waiter at a time, woken early by `wake` or after its timeout. The timer is a wait, not a
 * reading of the time: what a timeout means is decided by whoever reads the clock after it.
 */
export class WakeSignal {
  private waker: (() => void) | undefined;

  async wait(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.waker = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.waker = undefined;
  }

  wake(): void {
    this.waker?.();
  }
}
