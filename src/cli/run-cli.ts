import { passwordsOf, redactor, redactUrl } from '../domain/redaction/redact';
import { HexstreamError, type ErrorCode } from '../domain/hexstream-error';
import type { RawFlags } from '../composition/resolve-config';
import { parseCommandLine, type CommandLine } from './command-line';
import { nameVariable } from './env-flags';
import { UsageError } from './usage-error';
import { consoleOutput, redactingOutput, type CliOutput } from './console-output';
import { batchCommand } from './batch.command';
import { prodCommand } from './prod.command';
import { produceCommand, type ProduceFlags } from './produce.command';
import { newJobCommand, type NewJobFlags } from './new-job.command';
import { failureLine, failureOf, oneLine } from './run-failed';
import { testCommand } from './test.command';
import { replayCommand, type ReplayFlags } from './replay.command';
import { ingestCommand, type IngestFlags } from './ingest.command';

/**
 * Errors of the configuration, found before anything ran: exit 2 with the message alone. A result
 * table that does not match its job is one: the run is refused before it reads or writes a record.
 */
const CONFIGURATION_ERRORS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'CONFIG_INVALID',
  'TABLE_SCHEMA_MISMATCH',
  // The endpoint's address is taken: refused before any job starts, like a bad flag.
  'HTTP_PORT_BUSY',
]);

/**
 * Runs one command line and returns the exit code: 0 done, 1 failed at run time, 2 bad command
 * line, variable or configuration, 3 records were read but none was accepted. A failure is one
 * line on stderr — the error's code, what failed and why, on one line whatever the driver's
 * message held — and, with `--verbose`, the stack of the error and of each cause after it. Everything printed passes through a redactor: URL passwords, and the
 * passwords of the service URLs given, are masked as `***`.
 */
export async function runCli(
  args: readonly string[],
  out: CliOutput = consoleOutput,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let parsed: CommandLine;
  try {
    parsed = parseCommandLine(args, env);
  } catch (e) {
    if (e instanceof UsageError) {
      redactingOutput(out, redactUrl).error(oneLine(e.message));
      return 2;
    }
    throw e;
  }
  if (parsed.kind !== 'run') {
    out.line(parsed.text);
    return 0;
  }
  const argv = parsed.argv;
  const flags = argv as RawFlags;
  const secrets = [
    ...passwordsOf([flags.mysql, flags.postgres, flags.smtp]),
    ...(flags.httpToken !== undefined ? [flags.httpToken] : []),
    ...ingestToken(parsed.command, argv, env),
  ];
  const safe = redactingOutput(out, redactor(secrets));
  const verbose = argv['verbose'] === true;
  try {
    switch (parsed.command) {
      case 'test':
        return await testCommand(flags, safe);
      case 'prod':
        return await prodCommand(flags, safe);
      case 'batch':
        return await batchCommand(flags, safe);
      case 'produce':
        return await produceCommand(argv as unknown as ProduceFlags, safe); // --to is demanded by parseCommandLine
      case 'ingest':
        return await ingestCommand(argv as IngestFlags, safe, env); // --from and --format are demanded by parseCommandLine
      case 'replay':
        return await replayCommand(argv as ReplayFlags, safe);
      case 'new-job':
        return newJobCommand(argv as NewJobFlags, safe);
    }
  } catch (thrown) {
    const e = failureOf(thrown);
    if (e instanceof HexstreamError && CONFIGURATION_ERRORS.has(e.code)) {
      safe.error(oneLine(nameVariable(e.message, parsed.sources)));
      // What a job file threw while loading: with --verbose, its stack says where.
      if (verbose && e.cause !== undefined) for (const stack of stacks(e.cause)) safe.error(stack);
      return 2;
    }
    safe.error(failureLine(thrown));
    if (verbose) for (const stack of stacks(e)) safe.error(stack);
    return 1;
  }
}

/** `ingest --token-env NAME`: the token in that variable, masked in everything printed, whatever fails. */
function ingestToken(command: string, argv: Record<string, unknown>, env: NodeJS.ProcessEnv): string[] {
  const name = argv['tokenEnv'];
  const value = command === 'ingest' && typeof name === 'string' ? env[name] : undefined;
  return value === undefined || value === '' ? [] : [value];
}

/** The stack of an error, then of each `cause` it wraps (drivers' own errors). */
function stacks(e: unknown): string[] {
  const out: string[] = [];
  const seen = new Set<unknown>();
  for (let c: unknown = e; c instanceof Error && !seen.has(c) && out.length < 8; c = c.cause) {
    seen.add(c);
    out.push(`${out.length === 0 ? '' : 'caused by: '}${c.stack ?? `${c.name}: ${c.message}`}`);
  }
  return out;
}
