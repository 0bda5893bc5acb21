#!/usr/bin/env node
import 'reflect-metadata';
import { runCli } from './cli/run-cli';
import { boundHeapGrowth } from './composition/heap-growth';

boundHeapGrowth(process.execArgv, process.env['NODE_OPTIONS']);

// A reader that went away (`… | head`) is not an error of the run: stop writing to it quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
});

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`hexstream: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
