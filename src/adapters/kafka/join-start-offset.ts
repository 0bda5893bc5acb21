import type { JoinDecision } from './group-membership';

/**
 * Where the client starts a partition after a join. The first time: every partition, also one
 * without a stored position (`stored` is then the log's start) — the group's committed offsets in
 * Kafka (e.g. of an earlier run into another database) are never where reading starts. The same
 * partitions after a rejoin: a client would restart from the group's committed offsets, which may
 * lie behind (commits refused mid-rebalance) or ahead (while replaying after a restart) of what is
 * queued: on exactly after the last queued record (`queuedUpTo`). Other partitions: the pipeline's
 * `seek` says (`undefined`).
 */
export function joinStartOffset(
  decision: JoinDecision,
  stored: number,
  queuedUpTo: number | undefined,
): number | undefined {
  if (decision.kind === 'start') return stored;
  if (decision.kind === 'continue') return queuedUpTo ?? stored;
  return undefined;
}
