/**
 * The CLI's output layer: the only place that writes to the terminal directly. Results and the
 * summary go to stdout; errors are one line on stderr.
 */
export interface CliOutput {
  line(text: string): void;
  error(text: string): void;
}

export const consoleOutput: CliOutput = {
  line: (text) => {
    process.stdout.write(`${text}\n`);
  },
  error: (text) => {
    process.stderr.write(`hexstream: ${text}\n`);
  },
};

/** `out`, with every line passed through `redact` first (passwords never reach the terminal). */
export function redactingOutput(out: CliOutput, redact: (text: string) => string): CliOutput {
  return {
    line: (text) => out.line(redact(text)),
    error: (text) => out.error(redact(text)),
  };
}

export { formatCount } from '../domain/format-count';
