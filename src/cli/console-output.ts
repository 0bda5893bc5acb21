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

/** 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
