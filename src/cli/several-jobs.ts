import { invalid, type RawFlags } from '../composition/resolve-config';
import type { CliOutput } from './console-output';
import { failureLine } from './run-failed';

/** Flags that name one job's windows, input or output: with several jobs they would be ambiguous. */
const PER_JOB_FLAGS: ReadonlyArray<readonly [keyof RawFlags, string]> = [
  ['input', '--input'],
  ['output', '--output'],
  ['deadLetter', '--dead-letter'],
  ['topic', '--topic'],
  ['group', '--group'],
  ['deadLetterTopic', '--dead-letter-topic'],
  ['outputTopic', '--output-topic'],
  ['window', '--window'],
  ['slide', '--slide'],
  ['sessionGap', '--session-gap'],
  ['watermark', '--watermark'],
  ['outputMode', '--output-mode'],
];

/**
 * The jobs of `--job a,b`, each as its own flags. With several, each runs with its own defaults
 * (sample or topic, group, tables), so a flag that would name one job's input or output is refused.
 */
export function flagsPerJob(flags: RawFlags): RawFlags[] {
  const jobs = (flags.job ?? 'orders').split(',').map((j) => j.trim());
  if (jobs.length === 1) return [flags];
  if (jobs.some((j) => j === '')) throw invalid('--job', `empty job name in ${JSON.stringify(flags.job)}`);
  const repeated = jobs.find((j, i) => jobs.indexOf(j) !== i);
  if (repeated !== undefined) throw invalid('--job', `job ${repeated} is listed twice`);
  for (const [key, flag] of PER_JOB_FLAGS) {
    if (flags[key] !== undefined) throw invalid(flag, `names one job's input, output or windows; with several jobs (--job ${flags.job}) each uses its own defaults`);
  }
  return jobs.map((job) => ({ ...flags, job }));
}

/**
 * Runs the jobs side by side, each with its own state, positions and sink; one failing does not
 * stop or corrupt the others. Exit code 0 when all succeeded, else 1 (each failure on stderr).
 */
export async function runSideBySide(jobs: readonly RawFlags[], run: (flags: RawFlags) => Promise<void>, out: CliOutput): Promise<number> {
  const results = await Promise.allSettled(jobs.map((flags) => run(flags)));
  let failed = 0;
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') return;
    failed++;
    out.error(`job ${String(jobs[i]?.job)} failed: ${failureLine(r.reason)}`);
  });
  return failed === 0 ? 0 : 1;
}
