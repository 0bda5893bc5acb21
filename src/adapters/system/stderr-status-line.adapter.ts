import type { StatusLinePort } from '../../ports/status-line.port';

/** Where the status line writes, and what it knows of the terminal: standard error by default. */
export interface TerminalStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

/** Back to the start of the line, then erase it (ANSI: CR, EL 2). */
const ERASE_LINE = '\r\x1b[2K';

/**
 * Standard error shared by the logs and a progress bar. On a terminal the bar is the last line,
 * drawn without a newline and redrawn in place; a log line erases it, takes its place, and the bar
 * is drawn again under it:
 *
 *   [bar 41%]                ─ writeLine(log) ─▶  log
 *                                                 [bar 41%]
 *
 * Writes are synchronous (standard error is, on files, pipes and terminals under Linux), so what
 * was written before an exit is never lost.
 */
export class StderrStatusLine implements StatusLinePort {
  private status = '';

  constructor(private readonly stream: TerminalStream = process.stderr) {}

  isTerminal(): boolean {
    return this.stream.isTTY === true;
  }

  columns(): number {
    const c = this.stream.columns;
    return c !== undefined && c > 0 ? c : 80;
  }

  writeLine(text: string): void {
    this.write(this.status === '' ? `${text}\n` : `${ERASE_LINE}${text}\n${this.status}`);
  }

  show(text: string): void {
    if (!this.isTerminal() || text === this.status) return;
    this.status = text;
    this.write(`${ERASE_LINE}${text}`);
  }

  clear(): void {
    if (this.status === '') return;
    this.status = '';
    this.write(ERASE_LINE);
  }

  private write(text: string): void {
    try {
      this.stream.write(text);
    } catch {
      // A closed standard error (EPIPE) loses the line; the run goes on.
    }
  }
}

let processStatusLine: StderrStatusLine | undefined;

/** The process's one standard error: every run's logger and progress display share it. */
export function stderrStatusLine(): StderrStatusLine {
  processStatusLine ??= new StderrStatusLine();
  return processStatusLine;
}
