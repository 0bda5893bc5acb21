import { redactUrl } from '../domain/redaction/redact';
import { createContainer } from '../composition/create-container';
import { loadJobFiles } from '../composition/job-files';
import { resolveProdConfig, type RawFlags } from '../composition/resolve-config';
import { decideThreads, parseThreads, threadInstanceId } from '../composition/stream-threads';
import type { ProdRunConfig } from '../composition/run-config';
import type { CliOutput } from './console-output';
import { hasReport, printJobReport } from './job-report';
import { withEndpoint } from './run-endpoint';
import { alertAndThrow, runJob } from './run-job';
import { runThreads } from './run-threads';
import { flagsPerJob, runSideBySide } from './several-jobs';

/**
 * `hexstream prod <email>`: consumes the topic as a member of the consumer group until SIGINT or
 * SIGTERM (or the end offsets seen at start, with `--bounded`), committing each trigger's rows,
 * positions and replay point to MySQL in one transaction (with `--to-kafka`: to Kafka topics, in one
 * Kafka transaction). Restarting resumes exactly. With `--threads N`, N stream threads are N members
 * of the group in this process (see `runThreads`).
 */
export async function prodCommand(flags: RawFlags, out: CliOutput): Promise<number> {
  const jobs = await loadJobFiles(flagsPerJob(flags));
  const configs = jobs.map((f) => resolveProdConfig(f)).map((c) => ({ ...c, keepFinalTable: hasReport(c.job) }));
  // Refused before anything starts, like any other bad flag.
  const settings = configs.map((c) => parseThreads(flags.threads, c.job));
  return withEndpoint(flags, { mode: 'prod', configs }, out, async (telemetry) => {
    const run = async (i: number): Promise<number> => {
      const config = configs[i] as ProdRunConfig;
      const container = await createContainer('prod', config, telemetry);
      let threads: number;
      try {
        threads = await decideThreads(settings[i] ?? 1, config);
      } catch (e) {
        return alertAndThrow(container, config, e);
      }
      const outputs = [outputOf(config, threads), `topic ${config.deadLetterTopic}`];
      if (threads > 1)
        return runThreads(container, { flags: jobs[i] ?? flags, config, threads, telemetry }, outputs, out);
      const code = await runJob(container, config, outputs, out);
      printJobReport(container, config.job, out);
      return code;
    };
    if (configs.length === 1) return run(0);
    return runSideBySide(jobs, (f) => run(jobs.indexOf(f)), out);
  });
}

/** Where the rows go, as the summary names it. */
function outputOf(config: ProdRunConfig, threads: number): string {
  const kafka = config.kafkaOutput;
  if (kafka === undefined) return `${redactUrl(config.postgresUrl ?? config.mysqlUrl)} table ${config.job.table.name}`;
  const id = `hexstream.${config.job.name}.${config.group}.${kafka.instanceId}`;
  const more = threads > 1 ? ` … ${threadInstanceId(id, threads - 1)}` : '';
  return `topic ${kafka.outputTopic} (Kafka transactions, id ${id}${more})`;
}
