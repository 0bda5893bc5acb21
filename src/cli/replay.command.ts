import { resolveReplayConfig, type ReplayFlags } from '../composition/resolve-replay-config';
import { replayIo } from '../composition/replay-io';
import { formatCount, type CliOutput } from './console-output';

export type { ReplayFlags } from '../composition/resolve-replay-config';

/**
 * `hexstream replay`: sends the chosen dead letters back to the job's input topic, each with its
 * record's key, into the partition it came from; prints how many were sent and how many were left
 * out (by the filters, or because the letter holds only the start of its record). `--dry-run` counts only.
 */
export async function replayCommand(flags: ReplayFlags, out: CliOutput): Promise<number> {
  const config = await resolveReplayConfig(flags);
  const outcome = await replayIo.replay({
    brokers: config.brokers,
    deadLetterTopic: config.deadLetterTopic,
    inputTopic: config.topic,
    select: config.select,
    dryRun: config.dryRun,
  });
  const letters = (n: number): string => `${formatCount(n)} dead letter${n === 1 ? '' : 's'}`;
  const verb = config.dryRun ? 'would send' : 'sent';
  out.line(
    `${verb} ${letters(outcome.sent)} of ${formatCount(outcome.read)} from ${config.deadLetterTopic} to ${config.topic} on ${config.brokers.join(',')}`,
  );
  out.line(`skipped ${letters(outcome.skipped)} by the filters`);
  if (outcome.cutShort > 0)
    out.line(
      `skipped ${letters(outcome.cutShort)} holding only the start of ${outcome.cutShort === 1 ? 'its' : 'their'} record (raw-bytes)`,
    );
  return 0;
}
