import type { Container } from 'inversify';
import { releaseAdapters } from '../composition/release-adapters';
import { checkRunServices } from '../composition/run-preflight';
import { failureWithin } from '../composition/failure-within';
import type { RunConfig } from '../composition/run-config';
import { deadLetterCount, type StateSize } from '../domain/engine/engine-counters';
import { emissionsNote, isGlobalWindow, runReportText, stateText } from '../domain/pipeline/run-report-text';
import { StreamPipeline, type RunReport } from '../domain/pipeline/stream-pipeline';
import { NotifierPort } from '../ports/notifier.port';
import { RejectionTally } from '../composition/rejection-tally';
import { formatCount, type CliOutput } from './console-output';
import { NOTHING_ACCEPTED_EXIT, nothingAcceptedLine } from './nothing-accepted';
import { RunFailed } from './run-failed';
import { bannerLine, showRunStart } from './run-progress';
import { stopOnSignals } from './stop-on-signals';

/** Bound on sending the failure alert: past it the run's error is reported without waiting more. */
const ALERT_TIMEOUT_MS = 15_000;

/**
 * Runs the container's pipeline until its input ends or SIGINT/SIGTERM, mails the report and prints
 * the summary. Shared by `test`, `prod` and `batch`; the services' host names are resolved first
 * (see `checkServiceHosts`), then prod's input topic must exist (see `checkInputTopic`). On failure:
 *
 *   close source and sink (bounded) ─▶ alert e-mail (bounded) ─▶ throw RunFailed(error, why the alert failed)
 *
 * so the error line comes within bounded time and an alert that cannot be sent never replaces it.
 * Returns the exit code: 0, or 3 when the run read records and accepted none (a run that will stop
 * by itself: `test`, `batch`, `prod --bounded`), with one line on stderr saying why.
 */
export async function runJob(
  container: Container,
  config: RunConfig,
  outputs: readonly string[],
  out: CliOutput,
): Promise<number> {
  const pipeline = container.get(StreamPipeline);
  const stop = stopOnSignals();
  const start = showRunStart(container, config, out);
  let report: RunReport;
  try {
    await checkRunServices(config);
    report = await pipeline.run(stop);
  } catch (e) {
    start.stop();
    await releaseAdapters(container, config);
    return alertAndThrow(container, config, e);
  } finally {
    start.stop();
    stop.dispose();
  }
  return reportRun(
    container,
    config,
    { report, tally: container.get(RejectionTally) },
    outputs,
    out,
    start.bannerShown,
  );
}

/** How a run ended: its report, and the dead letters it committed by kind. */
export interface RunEnd {
  readonly report: RunReport;
  readonly tally: RejectionTally;
}

/**
 * A failed run's end: the alert e-mail (bounded), then `RunFailed` with the run's error and why
 * the alert failed, if it did. The run's adapters are closed already.
 */
export async function alertAndThrow(container: Container, config: RunConfig, e: unknown): Promise<never> {
  const notifier = container.get(NotifierPort);
  const job = config.job.name;
  const message = e instanceof Error ? e.message : String(e);
  // A header holds one line: a driver's message may hold several.
  const subject = `hexstream ${config.mode} ${job} FAILED: ${message.replace(/\s+/g, ' ').slice(0, 120)}`;
  const alert = notifier.send({
    kind: 'alert',
    to: config.email,
    subject,
    text: `The ${config.mode} run of job ${job} failed:\n\n${message}\n`,
  });
  throw new RunFailed(e, await failureWithin(alert, ALERT_TIMEOUT_MS));
}

/**
 * A run's end: mails the report, prints the summary, and returns the exit code (3, with one line
 * on stderr, when a run that ends by itself read records and accepted none).
 */
export async function reportRun(
  container: Container,
  config: RunConfig,
  end: RunEnd,
  outputs: readonly string[],
  out: CliOutput,
  bannerShown = false,
): Promise<number> {
  const { report, tally } = end;
  const c = report.counters;
  const dead = deadLetterCount(c);
  await container.get(NotifierPort).send({
    kind: 'report',
    to: config.email,
    subject: `hexstream ${config.mode} ${report.job}: ${c.read} records, ${c.accepted} accepted, ${dead} dead letters`,
    text: runReportText(report, { mode: config.mode, outputs, window: config.window }),
  });
  printSummary(out, config, report, outputs, bannerShown);
  const endsByItself = config.mode !== 'prod' || config.bounded;
  if (endsByItself && c.accepted === 0 && tally.total > 0) {
    out.error(nothingAcceptedLine(report.job, tally));
    return NOTHING_ACCEPTED_EXIT;
  }
  return 0;
}

/** The summary on stdout; its banner unless it was shown when the run started. */
function printSummary(
  out: CliOutput,
  config: RunConfig,
  report: RunReport,
  outputs: readonly string[],
  bannerShown: boolean,
): void {
  const c = report.counters;
  const seconds = report.elapsedMs / 1000;
  const w = config.window;
  const line = (label: string, n: number, extra = ''): void =>
    out.line(`${label.padEnd(15)}${formatCount(n).padStart(12)}${extra}`);
  if (!bannerShown) out.line(bannerLine(config));
  line(
    'records read',
    c.read,
    `${c.blank > 0 ? `  (${formatCount(c.blank)} blank line${c.blank === 1 ? '' : 's'} skipped)` : ''}${c.replayed > 0 ? `  (and ${formatCount(c.replayed)} re-read to rebuild open windows, counted once)` : ''}`,
  );
  line('accepted', c.accepted);
  line('invalid', c.invalid);
  line('late', c.late);
  line('duplicates', c.duplicate);
  if (c.error > 0) line('errors', c.error);
  printRows(line, config, report, outputs[0] ?? '');
  line('dead letters', deadLetterCount(c), `  → ${outputs[1] ?? ''}`);
  out.line(
    `${'report'.padEnd(15)}${config.email} → ${config.mode === 'prod' && config.smtpUrl !== undefined ? 'SMTP' : config.outbox}`,
  );
  out.line(
    `${'elapsed'.padEnd(15)}${seconds.toFixed(2).padStart(10)} s  (${formatCount(c.read / Math.max(seconds, 0.001))} records/s)`,
  );
  const rssMb = report.peakRssMb ?? process.resourceUsage().maxRSS / 1024;
  const state = (st: StateSize): string =>
    stateText(st, isGlobalWindow(w), formatCount).replace(' remembered ids', ' ids');
  out.line(
    `${'peak memory'.padEnd(15)}${formatCount(rssMb).padStart(12)} MB RSS  (state at peak: ${state(report.peakState)}; at end: ${state(report.state)})`,
  );
}

/**
 * Rows: a file holds the final rows (each written once, when final); a database or topic gets
 * every emission (update and complete mode write a row again when it changes). Both counts are
 * shown when they differ, and what a prod run left open.
 */
function printRows(
  line: (label: string, n: number, extra?: string) => void,
  config: RunConfig,
  report: RunReport,
  output: string,
): void {
  const c = report.counters;
  const note = emissionsNote(config.outputMode);
  if (config.mode === 'test') {
    line('rows written', report.finalRows, `  → ${output}`);
    if (c.rowsEmitted !== report.finalRows)
      line('  emissions', c.rowsEmitted, `  (${note}; the file holds the final rows)`);
    return;
  }
  line('rows written', c.rowsEmitted, `  → ${output}`);
  if (c.rowsEmitted !== report.finalRows)
    line('  final', report.finalRows, `  (rows of closed windows, no longer changing; the rest are ${note})`);
  if (config.mode !== 'prod') return;
  const atEnd = config.bounded ? ` (--at-end ${config.atEnd})` : '';
  if (report.openWindowsAtEnd === 'kept')
    line(
      '  still open',
      report.state.rows,
      `  rows in ${formatCount(report.state.openWindows)} window${report.state.openWindows === 1 ? '' : 's'}, kept for the next run${atEnd}`,
    );
  else line('  still open', 0, `  (every open window was written${atEnd}; a later run takes records for them as late)`);
}
