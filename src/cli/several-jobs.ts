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
    if (flags[key] !== undefined)
      throw invalid(
        flag,
        `names one job's input, output or windows; with several jobs (--job ${flags.job}) each uses its own defaults`,
      );
  }
  return jobs.map((job) => ({ ...flags, job }));
}

/**
 * Runs the jobs side by side, each with its own state, positions and sink; one failing does not
 * stop or corrupt the others. For streams that do not end (`prod`): each must be read as it comes.
 */
export async function runSideBySide(
  jobs: readonly RawFlags[],
  run: (flags: RawFlags) => Promise<number>,
  out: CliOutput,
): Promise<number> {
  return exitCode(jobs, await Promise.allSettled(jobs.map((flags) => run(flags))), out);
}

/**
 * Runs the jobs one after the other, for inputs that end (`test`): each summary then tells that
 * job's own elapsed time and rate, and a time-driven trigger fires as often as when the job runs
 * alone (so complete mode writes its rows as often), instead of sharing the CPU with the others.
 * One failing does not stop the next.
 */
export async function runOneAfterAnother(
  jobs: readonly RawFlags[],
  run: (flags: RawFlags) => Promise<number>,
  out: CliOutput,
): Promise<number> {
  const results: Array<PromiseSettledResult<number>> = [];
  for (const flags of jobs) {
    results.push(
      await run(flags).then(
        (value): PromiseSettledResult<number> => ({ status: 'fulfilled', value }),
        (reason: unknown): PromiseSettledResult<number> => ({ status: 'rejected', reason }),
      ),
    );
  }
  return exitCode(jobs, results, out);
}

/** 1 when a job failed (each failure on stderr), else the highest job's code (3: one accepted nothing), else 0. */
function exitCode(
  jobs: readonly RawFlags[],
  results: ReadonlyArray<PromiseSettledResult<number>>,
  out: CliOutput,
): number {
  let failed = 0;
  let code = 0;
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') {
      code = Math.max(code, r.value);
      return;
    }
    failed++;
    out.error(`job ${String(jobs[i]?.job)} failed: ${failureLine(r.reason)}`);
  });
  return failed === 0 ? code : 1;
}
