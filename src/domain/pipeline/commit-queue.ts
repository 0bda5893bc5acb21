/**
 * At most one commit in flight, in order: a trigger's commit runs while the pipeline reads and
 * processes the next records, and the next trigger waits for it before starting its own:
 *
 *   process ▇▇▇▇ trigger 1 ▇▇▇▇▇▇▇ trigger 2 ▇▇▇▇▇▇▇ trigger 3
 *   commit         └── commit 1 ──┘  └── commit 2 ──┘       (the database works on the other core)
 *
 * A failed commit surfaces at the next `settle` (the next trigger, a rebalance, or the end), so no
 * commit after it starts and nothing read after it is lost: a restart resumes from the last success.
 */
export class CommitQueue {
  private inFlight: Promise<void> | undefined;

  /** Starts `work` once the previous commit has succeeded; resolves when it is done, or at once when `overlap`. */
  async submit(work: () => Promise<void>, overlap: boolean): Promise<void> {
    await this.settle();
    const running = work();
    if (!overlap) return running;
    // Marked as handled here; its outcome is read by the next settle().
    running.catch(() => undefined);
    this.inFlight = running;
  }

  /** Waits for the commit in flight; rethrows its failure. */
  async settle(): Promise<void> {
    const running = this.inFlight;
    this.inFlight = undefined;
    if (running !== undefined) await running;
  }

  /** Waits for the commit in flight, ignoring its outcome (on the way out after another failure). */
  async drain(): Promise<void> {
    await this.settle().catch(() => undefined);
  }
}
