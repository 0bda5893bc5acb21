import { redactUrl } from '../domain/redaction/redact';
import { createContainer } from '../composition/create-container';
import { loadJobFiles } from '../composition/job-files';
import { resolveBatchConfig, type RawFlags } from '../composition/resolve-config';
import type { CliOutput } from './console-output';
import { withEndpoint } from './run-endpoint';
import { runJob } from './run-job';

/**
 * `hexstream batch <email> --input FILE|DIR`: runs a job over files into MySQL or PostgreSQL, one
 * transaction per trigger with the positions, then flushes every window at the end of the files.
 * Running it again over the same files changes nothing; lines appended since are read on (and
 * are late for windows the previous run closed).
 */
export async function batchCommand(flags: RawFlags, out: CliOutput): Promise<number> {
  const [jobFlags = flags] = await loadJobFiles([flags]);
  const config = resolveBatchConfig(jobFlags);
  return withEndpoint(flags, { mode: 'batch', configs: [config] }, out, async (telemetry) => {
    const container = await createContainer('batch', config, telemetry);
    const table = `${redactUrl(config.postgresUrl ?? config.mysqlUrl)} table ${config.job.table.name}`;
    return runJob(container, config, [table, config.deadLetter], out);
  });
}
