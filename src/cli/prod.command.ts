import { redactUrl } from '../domain/redaction/redact';
import { createContainer } from '../composition/create-container';
import { loadJobFiles } from '../composition/job-files';
import { resolveProdConfig, type RawFlags } from '../composition/resolve-config';
import type { CliOutput } from './console-output';
import { hasReport, printJobReport } from './job-report';
import { withEndpoint } from './run-endpoint';
import { runJob } from './run-job';
import { flagsPerJob, runSideBySide } from './several-jobs';

/**
 * `hexstream prod <email>`: consumes the topic as a member of the consumer group until SIGINT or
 * SIGTERM (or the end offsets seen at start, with `--bounded`), committing each trigger's rows,
 * positions and replay point to MySQL in one transaction (with `--to-kafka`: to Kafka topics, in one
 * Kafka transaction). Restarting resumes exactly.
 */
export async function prodCommand(flags: RawFlags, out: CliOutput): Promise<number> {
  const jobs = await loadJobFiles(flagsPerJob(flags));
  const configs = jobs.map((f) => resolveProdConfig(f)).map((c) => ({ ...c, keepFinalTable: hasReport(c.job) }));
  return withEndpoint(flags, { mode: 'prod', configs }, out, async (telemetry) => {
    const run = async (config: (typeof configs)[number]): Promise<number> => {
      const container = await createContainer('prod', config, telemetry);
      const kafka = config.kafkaOutput;
      const table =
        kafka !== undefined
          ? `topic ${kafka.outputTopic} (Kafka transactions, id hexstream.${config.job.name}.${config.group}.${kafka.instanceId})`
          : `${redactUrl(config.postgresUrl ?? config.mysqlUrl)} table ${config.job.table.name}`;
      const code = await runJob(container, config, [table, `topic ${config.deadLetterTopic}`], out);
      printJobReport(container, config.job, out);
      return code;
    };
    const only = configs.length === 1 ? configs[0] : undefined;
    if (only !== undefined) return run(only);
    return runSideBySide(jobs, (f) => run(configs[jobs.indexOf(f)] as (typeof configs)[number]), out);
  });
}
