/**
 * Seams inside a SQL sink's transaction per trigger, for tests and failpoints; a throw there acts as
 * a failure at that point (the transaction rolls back). Absent hooks cost nothing.
 *
 *   BEGIN ─▶ rows ─▶ beforeCheckpoint ─▶ positions, checkpoint [, snapshot] ─▶ beforeCommit ─▶ COMMIT
 */
export interface SqlSinkFaultInjection {
  /** After the rows, before the checkpoint. */
  readonly beforeCheckpoint?: () => void | Promise<void>;
  /** After the checkpoint, just before COMMIT is sent. */
  readonly beforeCommit?: () => void | Promise<void>;
}
