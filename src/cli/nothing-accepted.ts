import type { RejectionGroup, RejectionTally } from '../composition/rejection-tally';
import { formatCount } from './console-output';

/** The exit code of a run that read records and accepted none of them. */
export const NOTHING_ACCEPTED_EXIT = 3;

/**
 * The one line of a run that read records and accepted none: the job, how many it rejected, the
 * most common reason, and what usually causes it. A wrong `--job` or a compressed file otherwise
 * looks like a success with `accepted 0` in the summary.
 */
export function nothingAcceptedLine(job: string, tally: RejectionTally): string {
  const top = tally.mostCommon();
  const most =
    top === undefined
      ? ''
      : `; most often (${formatCount(top.count)} of them) ${top.reason}: ${top.example} — ${hint(top)}`;
  return `NOTHING_ACCEPTED: job ${job} accepted none of the records it read: ${formatCount(tally.total)} rejected${most}`;
}

function hint(group: RejectionGroup): string {
  if (group.reason === 'late') return 'their windows had closed: is --watermark too short?';
  if (group.reason === 'duplicate') return 'every record repeats one already accepted';
  if (group.reason === 'error') return "the job's own code threw on them";
  if (/UTF-8/.test(group.example)) return 'not text: a compressed (.gz) or binary file? Give the uncompressed file';
  if (/JSON/.test(group.example)) return 'not JSON: is this the right --job?';
  return 'is this the right --job?';
}
