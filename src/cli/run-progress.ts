import type { Container } from 'inversify';
import { formatDuration } from '../composition/duration';
import type { RunConfig } from '../composition/run-config';
import { isGlobalWindow } from '../domain/pipeline/run-report-text';
import { InputProgressPort } from '../ports/input-progress.port';
import { StatusLinePort } from '../ports/status-line.port';
import type { CliOutput } from './console-output';
import { ProgressDisplay } from './progress-display';

/** How often the bar is redrawn on a terminal. */
export const REDRAW_MS = 250;

/** The summary's first line: `hexstream test · job orders · window 1m slide 1m · watermark 10s · update mode`. */
export function bannerLine(config: RunConfig): string {
  const w = config.window;
  // A global window has no length or watermark worth showing: it closes at the end of input only.
  const windows = isGlobalWindow(w)
    ? 'global window'
    : `${w.kind === 'fixed' ? `window ${formatDuration(w.lengthMs)} slide ${formatDuration(w.slideMs)}` : w.kind === 'session' ? `session gap ${formatDuration(w.gapMs)}` : 'global window'} · watermark ${formatDuration(config.watermarkMs)}`;
  return `hexstream ${config.mode} · job ${config.job.name} · ${windows} · ${config.outputMode} mode`;
}

/** What `showRunStart` did: whether the banner is out already, and how to stop the progress display. */
export interface RunStart {
  readonly bannerShown: boolean;
  stop(): void;
}

/**
 * The start of a run over files (`test`, `batch`) on the console: with stdout on a terminal, the
 * banner before any record is read (the summary then leaves it out); then the input's progress
 * on stderr — a bar redrawn in place on a terminal, else a plain line every `--progress-interval`
 * unless the logs carry progress lines already (`--log-level info` or `debug`).
 */
export function showRunStart(container: Container, config: RunConfig, out: CliOutput): RunStart {
  const terminal = out.terminal?.();
  if (terminal === undefined || config.mode === 'prod' || !container.isBound(InputProgressPort))
    return { bannerShown: false, stop: () => undefined };
  if (terminal.stdout) out.line(bannerLine(config));
  const logsProgress = config.logLevel === 'debug' || config.logLevel === 'info';
  const display = new ProgressDisplay(container.get(InputProgressPort), container.get(StatusLinePort), {
    terminal: terminal.stderr,
    plainEveryMs: logsProgress ? undefined : config.progressIntervalMs,
    now: () => Date.now(),
  });
  return { bannerShown: terminal.stdout, stop: display.start(REDRAW_MS) };
}
