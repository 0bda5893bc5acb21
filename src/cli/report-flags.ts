import type { Argv } from 'yargs';

/** Where the run report and failure alerts go, for the commands that run until stopped (`prod`, `ingest`). */
export function reportFlags<T>(y: Argv<T>): Argv<T> {
  return y
    .option('smtp', {
      type: 'string',
      describe: 'smtp[s]://user:pass@host:port for the report and alerts (default: .eml files in --outbox)',
    })
    .option('outbox', {
      type: 'string',
      describe: 'folder for report e-mails when --smtp is not given (default out/outbox)',
    });
}
