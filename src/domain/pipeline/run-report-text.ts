import { formatInstant } from '../engine/format-instant';
import { deadLetterCount, type StateSize } from '../engine/engine-counters';
import type { OutputMode } from '../engine/output-mode';
import { YEAR_2100_MS } from '../jobs/validation';
import type { WindowSpec } from '../windowing/window-spec';
import type { RunReport } from './stream-pipeline';

export interface ReportContext {
  readonly mode: string;
  readonly outputs: readonly string[];
  readonly error?: string;
  /** The run's windows: a global one is named so, not by its length. */
  readonly window?: WindowSpec;
}

/** The run report as plain text: what the operator reads in the e-mail. */
export function runReportText(report: RunReport, ctx: ReportContext): string {
  const c = report.counters;
  const seconds = report.elapsedMs / 1000;
  const global = ctx.window !== undefined && isGlobalWindow(ctx.window);
  const lines = [
    `hexstream ${ctx.mode} run of job ${report.job}: ${ctx.error !== undefined ? 'FAILED' : report.completed ? 'completed' : 'stopped'}`,
    '',
    `started          ${formatInstant(report.startedAtMs)}`,
    `elapsed          ${seconds.toFixed(3)} s`,
    `records read     ${c.read}`,
    ...(c.replayed > 0
      ? [
          `  and re-read    ${c.replayed} (to rebuild open windows after a restart, an outage or a rebalance; counted once)`,
        ]
      : []),
    `  blank lines    ${c.blank}`,
    `  accepted       ${c.accepted}`,
    `  invalid        ${c.invalid}`,
    `  late           ${c.late}`,
    `  duplicates     ${c.duplicate}`,
    // Shown once the job's code threw on a record: a built-in job never does.
    ...(c.error > 0 ? [`  errors         ${c.error}`] : []),
    `dead letters     ${deadLetterCount(c)}`,
    `late (record, window) pairs dropped from accepted records: ${c.lateWindowDrops}`,
    `row emissions    ${c.rowsEmitted}`,
    `final rows       ${report.finalRows}`,
    `open at end      ${report.openWindowsAtEnd === 'flushed' ? 'flushed: every open window was written' : `kept for the next run: ${stateText(report.state, global, String)}`}`,
    `triggers         ${c.triggers}`,
    `records/s        ${Math.round(c.read / Math.max(seconds, 0.001))}`,
    `state at end     ${stateText(report.state, global, String)}`,
    `state at peak    ${stateText(report.peakState, global, String)}`,
    ...(report.peakRssMb !== undefined ? [`peak memory      ${report.peakRssMb} MB RSS`] : []),
    `watermarks       ${[...report.watermarks].map(([p, w]) => `${p}=${formatInstant(w)}`).join(', ')}`,
    ...ctx.outputs.map((o) => `output           ${o}`),
  ];
  if (ctx.error !== undefined) lines.push('', `error: ${ctx.error}`);
  return `${lines.join('\n')}\n`;
}

/**
 * A window that holds every valid event time (2000..2100, see `validation`): the job aggregates
 * over all of its input (price-stats), and its window closes only at the end of input.
 */
export function isGlobalWindow(window: WindowSpec): boolean {
  if (window.kind === 'global') return true;
  return window.kind === 'fixed' && window.slideMs === window.lengthMs && window.lengthMs >= YEAR_2100_MS;
}

/** `2 open windows, 5 rows, 3 remembered ids`; a global window is named so, not counted. */
export function stateText(s: StateSize, global: boolean, count: (n: number) => string): string {
  const windows = global
    ? s.openWindows === 0
      ? 'global window closed'
      : 'global window open'
    : `${count(s.openWindows)} open window${s.openWindows === 1 ? '' : 's'}`;
  return `${windows}, ${count(s.rows)} rows, ${count(s.rememberedIds)} remembered ids`;
}

/** Why a mode writes a row more than once. */
export function emissionsNote(mode: OutputMode): string {
  if (mode === 'complete') return 'complete mode writes the whole table at each trigger that changed it';
  if (mode === 'update') return 'update mode writes a row at each trigger that changed it';
  return 'append mode writes a row once, when its window closes';
}
