import { resolveIngestConfig, ingestSecrets, type IngestConfig, type IngestFlags } from '../composition/ingest-config';
import { createIngestContainer, ingestOutputs, releaseIngest } from '../composition/ingest-io.module';
import { IngestRunSlot } from '../composition/ingest-part';
import { failureWithin } from '../composition/failure-within';
import { IngestPipeline } from '../domain/ingest/ingest-pipeline';
import type { IngestReport } from '../domain/ingest/ingest-settings';
import { redactor } from '../domain/redaction/redact';
import { NotifierPort } from '../ports/notifier.port';
import type { CliOutput } from './console-output';
import { ingestBanner, ingestSummary } from './ingest-summary';
import { RunFailed } from './run-failed';
import { withEndpoint } from './run-endpoint';
import { stopOnSignals } from './stop-on-signals';

export type { IngestFlags } from '../composition/ingest-config';

/** Bound on sending the failure alert: past it the run's error is reported without waiting more. */
const ALERT_TIMEOUT_MS = 15_000;

/**
 * `hexstream ingest <email>`: polls an HTTP endpoint or streams a WebSocket, splits each payload into
 * one message per quote or trade and sends them to Kafka (or a file) until SIGINT/SIGTERM; then
 * sends what is pending, closes the feed and the producer, mails the report and exits 0. The
 * endpoint (/metrics, health) serves the run's figures while it lasts.
 */
export async function ingestCommand(flags: IngestFlags, out: CliOutput, env: NodeJS.ProcessEnv): Promise<number> {
  const config = resolveIngestConfig(flags, env);
  const slot = new IngestRunSlot();
  return withEndpoint(flags, { mode: 'ingest', configs: [], ingest: slot }, out, async () => {
    const container = await createIngestContainer(config);
    const pipeline = container.get(IngestPipeline);
    const notifier = container.get(NotifierPort);
    const from = redactor(ingestSecrets(config))(config.from);
    const outputs = ingestOutputs(config);
    out.line(ingestBanner(config, from, outputs));
    const stop = stopOnSignals();
    slot.started(() => pipeline.reading());
    let report: IngestReport;
    try {
      report = await pipeline.run(stop);
    } catch (e) {
      await releaseIngest(container);
      const message = e instanceof Error ? e.message : String(e);
      const alert = notifier.send({
        kind: 'alert',
        to: config.email,
        subject: `hexstream ingest ${config.format} FAILED: ${message.replace(/\s+/g, ' ').slice(0, 120)}`,
        text: `The ingest run from ${from} failed:\n\n${message}\n`,
      });
      throw new RunFailed(e, await failureWithin(alert, ALERT_TIMEOUT_MS));
    } finally {
      slot.ended();
      stop.dispose();
    }
    const summary = ingestSummary(report, outputs);
    await notifier.send({
      kind: 'report',
      to: config.email,
      subject: reportSubject(config, report),
      text: `${[ingestBanner(config, from, outputs), ...summary].join('\n')}\n`,
    });
    for (const line of summary) out.line(line);
    out.line(`${'report'.padEnd(15)}${config.email} → ${config.smtpUrl !== undefined ? 'SMTP' : config.outbox}`);
    return 0;
  });
}

function reportSubject(config: IngestConfig, report: IngestReport): string {
  const c = report.counters;
  const dead = Object.values(c.deadLetters).reduce((sum, n) => sum + n, 0);
  return `hexstream ingest ${config.format}: ${c.payloads} payloads, ${c.messages} messages, ${dead} dead letters`;
}
