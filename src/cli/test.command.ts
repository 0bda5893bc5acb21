import { resolve } from 'node:path';
import { createContainer } from '../composition/create-container';
import { resolveTestConfig, type RawFlags } from '../composition/resolve-config';
import { formatDuration } from '../composition/duration';
import { runReportText } from '../domain/pipeline/run-report-text';
import { StreamPipeline, type RunReport } from '../domain/pipeline/stream-pipeline';
import { NotifierPort } from '../ports/notifier.port';
import { formatCount, type CliOutput } from './console-output';
import { stopOnSignals } from './stop-on-signals';

/** Folder of the shipped samples (next to dist/ and src/). */
export function samplesDir(): string {
  return resolve(__dirname, '..', '..', 'samples');
}

/** `hexstream test <email>`: runs the job over files and prints a summary. */
export async function testCommand(flags: RawFlags, out: CliOutput): Promise<number> {
  const config = resolveTestConfig(flags, samplesDir());
  const container = await createContainer('test', config);
  const pipeline = container.get(StreamPipeline);
  const notifier = container.get(NotifierPort);
  const stop = stopOnSignals();
  const outputs = [`table ${config.output}`, `dead letters ${config.deadLetter}`];
  let report: RunReport;
  try {
    report = await pipeline.run(stop);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    await notifier
      .send({ kind: 'alert', to: config.email, subject: `hexstream test ${config.job.name} FAILED: ${message.slice(0, 120)}`, text: `The run of job ${config.job.name} failed:\n\n${message}\n` })
      .catch(() => undefined);
    throw e;
  } finally {
    stop.dispose();
  }
  const c = report.counters;
  const dead = c.invalid + c.late + c.duplicate;
  await notifier.send({
    kind: 'report',
    to: config.email,
    subject: `hexstream test ${report.job}: ${c.read} records, ${c.accepted} accepted, ${dead} dead letters`,
    text: runReportText(report, { mode: 'test', outputs }),
  });

  const seconds = report.elapsedMs / 1000;
  const w = config.window;
  out.line(`hexstream test · job ${report.job} · window ${formatDuration(w.lengthMs)} slide ${formatDuration(w.slideMs)} · watermark ${formatDuration(config.watermarkMs)} · ${config.outputMode} mode`);
  out.line(`records read   ${formatCount(c.read).padStart(12)}${c.blank > 0 ? `  (${formatCount(c.blank)} blank line${c.blank === 1 ? '' : 's'} skipped)` : ''}`);
  out.line(`accepted       ${formatCount(c.accepted).padStart(12)}`);
  out.line(`invalid        ${formatCount(c.invalid).padStart(12)}`);
  out.line(`late           ${formatCount(c.late).padStart(12)}`);
  out.line(`duplicates     ${formatCount(c.duplicate).padStart(12)}`);
  out.line(`rows written   ${formatCount(c.rowsEmitted).padStart(12)}  → ${config.output}`);
  out.line(`dead letters   ${formatCount(dead).padStart(12)}  → ${config.deadLetter}`);
  out.line(`report         ${config.email} → ${config.outbox}`);
  out.line(`elapsed        ${seconds.toFixed(2).padStart(10)} s  (${formatCount(c.read / Math.max(seconds, 0.001))} records/s)`);
  out.line(`peak memory    ${formatCount(process.resourceUsage().maxRSS / 1024).padStart(12)} MB RSS  (state at end: ${report.state.openWindows} open windows, ${report.state.rows} rows, ${report.state.rememberedIds} ids)`);
  return 0;
}
