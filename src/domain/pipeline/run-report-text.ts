import { formatInstant } from '../engine/format-instant';
import type { StateSize } from '../engine/engine-counters';
import type { RunReport } from './stream-pipeline';

export interface ReportContext {
  readonly mode: string;
  readonly outputs: readonly string[];
  readonly error?: string;
}

/** The run report as plain text: what the operator reads in the e-mail. */
export function runReportText(report: RunReport, ctx: ReportContext): string {
  const c = report.counters;
  const seconds = report.elapsedMs / 1000;
  const lines = [
    `hexstream ${ctx.mode} run of job ${report.job}: ${ctx.error !== undefined ? 'FAILED' : report.completed ? 'completed' : 'stopped'}`,
    '',
    `started          ${formatInstant(report.startedAtMs)}`,
    `elapsed          ${seconds.toFixed(3)} s`,
    `records read     ${c.read}`,
    `  blank lines    ${c.blank}`,
    `  accepted       ${c.accepted}`,
    `  invalid        ${c.invalid}`,
    `  late           ${c.late}`,
    `  duplicates     ${c.duplicate}`,
    `dead letters     ${c.invalid + c.late + c.duplicate}`,
    `late (record, window) pairs dropped from accepted records: ${c.lateWindowDrops}`,
    `rows written     ${c.rowsEmitted}`,
    `triggers         ${c.triggers}`,
    `records/s        ${Math.round(c.read / Math.max(seconds, 0.001))}`,
    `state at end     ${stateText(report.state)}`,
    `state at peak    ${stateText(report.peakState)}`,
    ...(report.peakRssMb !== undefined ? [`peak memory      ${report.peakRssMb} MB RSS`] : []),
    `watermarks       ${[...report.watermarks].map(([p, w]) => `${p}=${formatInstant(w)}`).join(', ')}`,
    ...ctx.outputs.map((o) => `output           ${o}`),
  ];
  if (ctx.error !== undefined) lines.push('', `error: ${ctx.error}`);
  return `${lines.join('\n')}\n`;
}

function stateText(s: StateSize): string {
  return `${s.openWindows} open windows, ${s.rows} rows, ${s.rememberedIds} remembered ids`;
}
