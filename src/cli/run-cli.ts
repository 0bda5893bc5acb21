import { HexstreamError } from '../domain/hexstream-error';
import type { RawFlags } from '../composition/resolve-config';
import { buildParser, UsageError } from './parser';
import { consoleOutput, type CliOutput } from './console-output';
import { batchCommand } from './batch.command';
import { prodCommand } from './prod.command';
import { produceCommand, type ProduceFlags } from './produce.command';
import { testCommand } from './test.command';

/**
 * Runs one command line and returns the exit code: 0 done, 1 failed at run time, 2 bad command
 * line or configuration (one line on stderr naming the flag, no stack trace).
 */
export async function runCli(args: readonly string[], out: CliOutput = consoleOutput): Promise<number> {
  let argv: Record<string, unknown>;
  try {
    argv = (await buildParser(args).parseAsync()) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof UsageError) {
      out.error(e.message);
      return 2;
    }
    throw e;
  }
  const verbose = argv['verbose'] === true;
  try {
    switch (String((argv['_'] as unknown[])[0])) {
      case 'test':
        return await testCommand(argv as RawFlags, out);
      case 'prod':
        return await prodCommand(argv as RawFlags, out);
      case 'batch':
        return await batchCommand(argv as RawFlags, out);
      case 'produce':
        return await produceCommand(argv as unknown as ProduceFlags, out); // --to is demanded by the parser
      default:
        out.error(`unknown command ${String((argv['_'] as unknown[])[0])}`);
        return 2;
    }
  } catch (e) {
    if (e instanceof HexstreamError && e.code === 'CONFIG_INVALID') {
      out.error(e.message);
      return 2;
    }
    const code = e instanceof HexstreamError ? `${e.code}: ` : '';
    out.error(`${code}${e instanceof Error ? e.message : String(e)}`);
    if (verbose && e instanceof Error && e.stack !== undefined) out.error(e.stack);
    return 1;
  }
}
