import { resolve } from 'node:path';
import { createContainer } from '../composition/create-container';
import { loadJobFiles } from '../composition/job-files';
import { resolveTestConfig, type RawFlags } from '../composition/resolve-config';
import type { CliOutput } from './console-output';
import { hasReport, printJobReport } from './job-report';
import { withEndpoint } from './run-endpoint';
import { runJob } from './run-job';
import { flagsPerJob, runOneAfterAnother } from './several-jobs';

/** Folder of the shipped samples (next to dist/ and src/). */
export function samplesDir(): string {
  return resolve(__dirname, '..', '..', 'samples');
}

/** `hexstream test <email>`: runs the job over files and prints a summary. */
export async function testCommand(flags: RawFlags, out: CliOutput): Promise<number> {
  const jobs = await loadJobFiles(flagsPerJob(flags));
  // Every job's configuration is checked before any of them starts.
  const configs = jobs
    .map((f) => resolveTestConfig(f, samplesDir()))
    .map((c) => ({ ...c, keepFinalTable: hasReport(c.job) }));
  return withEndpoint(flags, { mode: 'test', configs }, out, async (telemetry) => {
    const run = async (config: (typeof configs)[number]): Promise<number> => {
      const container = await createContainer('test', config, telemetry);
      const code = await runJob(container, config, [config.output, config.deadLetter], out);
      printJobReport(container, config.job, out);
      return code;
    };
    const only = configs.length === 1 ? configs[0] : undefined;
    if (only !== undefined) return run(only);
    return runOneAfterAnother(jobs, (f) => run(configs[jobs.indexOf(f)] as (typeof configs)[number]), out);
  });
}
