import 'reflect-metadata';
import { join, resolve } from 'node:path';
import { consoleOutput } from '../src/cli/console-output';
import { runJob } from '../src/cli/run-job';
import { createContainer } from '../src/composition/create-container';
import { boundHeapGrowth } from '../src/composition/heap-growth';
import { resolveTestConfig } from '../src/composition/resolve-config';
import type { AnyJob } from '../src/domain/jobs/job';
import { ordersJob } from '../src/domain/jobs/orders.job';
import { legacyOrdersJob } from './legacy-orders.job';
import { ROOT } from './common';

/** The two definitions of the orders job the bench compares. */
const DEFINITIONS: Readonly<Record<string, AnyJob>> = {
  'built-in': ordersJob as AnyJob,
  'hand-written': legacyOrdersJob as AnyJob,
};

/**
 * One run of the `test` pipeline over a file with one definition of the orders job, in a process of
 * its own: what `hexstream test --job orders` does (the same configuration, container and run, the
 * same summary on stdout), but with the job definition given instead of the built-in one.
 *
 *   node orders-definition-run.js built-in|hand-written INPUT OUT_DIR OUTPUT_MODE
 */
async function main(): Promise<number> {
  const [which = '', input, out, mode] = process.argv.slice(2);
  const job = DEFINITIONS[which];
  if (job === undefined || input === undefined || out === undefined || mode === undefined)
    throw new Error(`usage: orders-definition-run ${Object.keys(DEFINITIONS).join('|')} INPUT OUT_DIR OUTPUT_MODE`);
  boundHeapGrowth(process.execArgv, process.env['NODE_OPTIONS']);
  const flags = {
    email: 'bench@example.com',
    job: 'orders',
    input,
    outputMode: mode,
    output: join(out, 'table.jsonl'),
    deadLetter: join(out, 'dead.jsonl'),
    outbox: join(out, 'outbox'),
    logLevel: 'silent',
  };
  const config = { ...resolveTestConfig(flags, resolve(ROOT, 'samples')), job };
  const container = await createContainer('test', config);
  return runJob(container, config, [config.output, config.deadLetter], consoleOutput);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
