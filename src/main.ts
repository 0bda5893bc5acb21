#!/usr/bin/env node
import 'reflect-metadata';
import { redactUrl } from './domain/redaction/redact';
import { runCli } from './cli/run-cli';
import { boundHeapGrowth } from './composition/heap-growth';

boundHeapGrowth(process.execArgv, process.env['NODE_OPTIONS']);

// A reader that went away (`… | head`) is not an error of the run: stop writing to it quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
});

/**
 * Once the command has returned, everything it owns is closed and its output written (stdout and
 * stderr are synchronous on files and pipes, logs are written synchronously). What may still hold
 * the event loop then is what a driver left running after its caller gave up on it: a connect
 * abandoned at its deadline, a client's retry timer. The exit code is decided, so the process ends
 * after a short grace instead of waiting for them (the timer is unref'd: a process with nothing
 * left exits at once, as usual). A getaddrinfo blocked on a silent resolver would hold even
 * `process.exit` (libuv joins its threads at exit): names are resolved in a child process first,
 * see `unresolvedReasons`.
 */
const EXIT_GRACE_MS = 1_000;

function exitWith(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
}

runCli(process.argv.slice(2)).then(exitWith, (error: unknown) => {
  process.stderr.write(
    `hexstream: internal error: ${redactUrl(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`,
  );
  exitWith(1);
});
