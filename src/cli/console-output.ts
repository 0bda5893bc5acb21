/**
 * The CLI's output layer: the only place that writes to the terminal directly. Results and the
 * summary go to stdout; errors are one line on stderr.
 */
export interface CliOutput {
  line(text: string): void;
  error(text: string): void;
  /**
   * Which of stdout and stderr are terminals. Only the process's own console has it: output
   * captured in memory gets no banner up front and no progress display.
   */
  terminal?(): { readonly stdout: boolean; readonly stderr: boolean };
}

export const consoleOutput: CliOutput = {
  terminal: () => ({ stdout: process.stdout.isTTY === true, stderr: process.stderr.isTTY === true }),
  line: (text) => {
    process.stdout.write(`${text}\n`);
  },
  error: (text) => {
    process.stderr.write(`hexstream: ${text}\n`);
  },
};

/** `out`, with every line passed through `redact` first (passwords never reach the terminal). */
export function redactingOutput(out: CliOutput, redact: (text: string) => string): CliOutput {
  const terminal = out.terminal?.bind(out);
  return {
    line: (text) => out.line(redact(text)),
    error: (text) => out.error(redact(text)),
    ...(terminal !== undefined ? { terminal } : {}),
  };
}

export { formatCount } from '../domain/format-count';
