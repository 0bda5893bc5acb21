import type { InputProgress, InputProgressPort } from '../ports/input-progress.port';
import type { StatusLinePort } from '../ports/status-line.port';
import { formatCount } from './console-output';

/** What one frame shows, computed from the samples read so far. */
export interface ProgressFigures {
  readonly records: number;
  /** Over the last few seconds (`RATE_WINDOW_MS`): what the run does now. */
  readonly recordsPerSecond: number;
  /** Of the input's bytes; undefined when its size is unknown (standard input). */
  readonly percent: number | undefined;
  /** The fraction read, 0 to 1, for the bar's cells. */
  readonly fraction: number | undefined;
  /** Time left at the byte rate since the start; undefined until bytes were read or when the size is unknown. */
  readonly etaMs: number | undefined;
}

/** Records/s is measured over this much of the latest time. */
export const RATE_WINDOW_MS = 3_000;
const BAR_CELLS = 20;

interface Sample {
  readonly atMs: number;
  readonly progress: InputProgress;
}

/** Turns readings of the input's progress, taken in time order, into figures. */
export class ProgressSamples {
  private readonly recent: Sample[];

  constructor(private readonly start: Sample) {
    this.recent = [start];
  }

  next(atMs: number, progress: InputProgress): ProgressFigures {
    this.recent.push({ atMs, progress });
    while (this.recent.length > 2 && atMs - (this.recent[1] as Sample).atMs >= RATE_WINDOW_MS) this.recent.shift();
    const oldest = this.recent[0] as Sample;
    const spanMs = atMs - oldest.atMs;
    const recordsPerSecond = spanMs > 0 ? ((progress.records - oldest.progress.records) * 1000) / spanMs : 0;
    const total = progress.bytesTotal;
    const fraction = total === undefined ? undefined : total === 0 ? 1 : Math.min(1, progress.bytesRead / total);
    const done = progress.bytesRead - this.start.progress.bytesRead;
    const etaMs =
      total === undefined || done <= 0 ? undefined : ((total - progress.bytesRead) * (atMs - this.start.atMs)) / done;
    return {
      records: progress.records,
      recordsPerSecond: Math.round(recordsPerSecond),
      percent: fraction === undefined ? undefined : Math.floor(fraction * 100),
      fraction,
      etaMs,
    };
  }
}

/** `0:42`, `12:05`, `1:02:03` (seconds rounded up); `--:--` when unknown. */
export function formatEta(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '--:--';
  const s = Math.ceil(ms / 1000);
  const two = (n: number): string => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
}

function counts(f: ProgressFigures): string {
  const rate = `${formatCount(f.records)} records · ${formatCount(f.recordsPerSecond)} records/s`;
  return f.percent === undefined ? rate : `${rate} · ETA ${formatEta(f.etaMs)}`;
}

/**
 * The bar on a terminal, cut to fit its width (a line that wraps could not be redrawn in place):
 *
 *   ▕███████░░░░░░░░░░░░░▏  37% · 370,000 records · 29,800 records/s · ETA 0:21
 */
export function progressBarFrame(f: ProgressFigures, columns: number): string {
  const text =
    f.fraction === undefined || f.percent === undefined
      ? counts(f)
      : `▕${'█'.repeat(Math.floor(f.fraction * BAR_CELLS)).padEnd(BAR_CELLS, '░')}▏ ${String(f.percent).padStart(3)}% · ${counts(f)}`;
  return text.slice(0, Math.max(0, columns - 1));
}

/** The same figures as one plain line, for a log file or a pipe: `progress 37% · 370,000 records · …`. */
export function progressPlainLine(f: ProgressFigures): string {
  return `progress ${f.percent === undefined ? '' : `${f.percent}% · `}${counts(f)}`;
}

export interface ProgressDisplayOptions {
  /** A terminal: a bar redrawn in place; otherwise plain lines. */
  readonly terminal: boolean;
  /** How often a plain line is written; undefined: none (the logs carry progress lines already). */
  readonly plainEveryMs: number | undefined;
  readonly now: () => number;
}

/**
 * The progress of a run over files on standard error: on a terminal a bar redrawn at each tick,
 * under the log lines; elsewhere a plain line every interval.
 */
export class ProgressDisplay {
  private readonly samples: ProgressSamples;
  private lastPlainMs: number;

  constructor(
    private readonly input: InputProgressPort,
    private readonly status: StatusLinePort,
    private readonly options: ProgressDisplayOptions,
  ) {
    const atMs = options.now();
    this.samples = new ProgressSamples({ atMs, progress: input.inputProgress() });
    this.lastPlainMs = atMs;
  }

  tick(): void {
    const atMs = this.options.now();
    const every = this.options.plainEveryMs;
    if (!this.options.terminal && (every === undefined || atMs - this.lastPlainMs < every)) return;
    const progress = this.input.inputProgress();
    // Nothing read yet: the input is not open (or standard input is silent); the banner says what runs.
    if (progress.bytesRead === 0 && progress.records === 0) return;
    const figures = this.samples.next(atMs, progress);
    if (this.options.terminal) {
      this.status.show(progressBarFrame(figures, this.status.columns()));
      return;
    }
    this.lastPlainMs = atMs;
    this.status.writeLine(progressPlainLine(figures));
  }

  /**
   * Ticks every `ms` (the first after `ms`: the input is not open yet) until the returned function
   * is called, which draws the bar once more — the run's last figures, not the last tick's, which
   * may be up to `ms` old — and removes it.
   */
  start(ms: number): () => void {
    const timer = setInterval(() => this.tick(), ms);
    // A finished run must not be held open by its progress display.
    timer.unref();
    return () => {
      clearInterval(timer);
      if (this.options.terminal) this.tick();
      this.status.clear();
    };
  }
}
