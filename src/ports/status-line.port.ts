import type { ServiceIdentifier } from 'inversify';

/**
 * Standard error as log lines above one status line (a progress bar) redrawn in place. Every line
 * written while a status is shown goes above it, and the status is drawn again below, so logs and
 * the bar never share a line. Implementations write synchronously and must not throw.
 */
export interface StatusLinePort {
  /** Whether standard error is a terminal: only then is a status drawn at all. */
  isTerminal(): boolean;
  /** The terminal's width in columns (80 when unknown). */
  columns(): number;
  /** A whole line (without its newline) above the status. */
  writeLine(text: string): void;
  /** Replaces the status with `text` (one line, shorter than `columns()`); nothing when not a terminal. */
  show(text: string): void;
  /** Removes the status: what is written next starts at the beginning of an empty line. */
  clear(): void;
}

export const StatusLinePort: ServiceIdentifier<StatusLinePort> = Symbol.for('hexstream.StatusLinePort');
