import yargs, { type Argv } from 'yargs';
import { commandHelp, TOP_EPILOG } from './command-help';
import { COMMAND_FLAGS as FLAGS } from './command-flags';
import { COMMANDS, NO_COMMAND, type CommandName } from './commands';
import { UsageError } from './usage-error';

export { COMMANDS, isCommand, NO_COMMAND, REQUIRED_FLAGS, type CommandName } from './commands';

interface YargsOptions {
  readonly key: Readonly<Record<string, unknown>>;
  readonly boolean: readonly string[];
}

export interface FlagInfo {
  readonly type: 'string' | 'boolean';
}

/** A command's flags by name (kebab-case, as typed), read from the same definitions the parser uses. */
export function flagsOf(command: CommandName): ReadonlyMap<string, FlagInfo> {
  // yargs keeps the options it was given; its typings leave `getOptions` out.
  const options = (FLAGS[command](yargs([])) as unknown as { getOptions(): YargsOptions }).getOptions();
  const booleans = new Set(options.boolean);
  const out = new Map<string, FlagInfo>();
  for (const key of Object.keys(options.key)) {
    if (key === 'help' || key === 'version' || key === 'email' || key === 'name' || /[A-Z]/.test(key)) continue;
    out.set(key, { type: booleans.has(key) ? 'boolean' : 'string' });
  }
  return out;
}

const DESCRIPTIONS: Readonly<Record<CommandName, string>> = {
  test: 'run a job on files, no services needed',
  prod: 'consume a Kafka topic into MySQL/MariaDB, PostgreSQL or Kafka, effectively once, until SIGINT/SIGTERM',
  batch: 'run a job over files into MySQL or PostgreSQL; running it again over the same files changes nothing',
  produce: 'generate sample records',
  ingest:
    'poll an HTTP quote API or stream a WebSocket of trades into Kafka, one message per quote or trade, until SIGINT/SIGTERM',
  replay: 'send dead letters back to the input topic, chosen by reason, source partition, offset or time',
  'new-job': 'write a job of your own, its test and a sample input, ready to edit and run',
};

/** How each command is called: its positional argument. */
const USAGES: Readonly<Record<CommandName, string>> = {
  test: 'test <email>',
  prod: 'prod <email>',
  batch: 'batch <email>',
  produce: 'produce',
  ingest: 'ingest <email>',
  replay: 'replay',
  'new-job': 'new-job <name>',
};

/**
 * The command line of §5. HEXSTREAM_* variables are not read here but by `flagsFromEnv` after the
 * parse (flags override them, they override job defaults), so that a variable meant for something
 * else never fails a run.
 */
export function buildParser(): Argv {
  let y = yargs()
    .scriptName('hexstream')
    // A flag given twice takes its last value (as most CLIs do), rather than becoming a list.
    .parserConfiguration({ 'duplicate-arguments-array': false });
  for (const name of COMMANDS) {
    const usage = USAGES[name];
    y = y.command(usage, DESCRIPTIONS[name], (c) => {
      const help = commandHelp(name, [...flagsOf(name).keys()]);
      let built = FLAGS[name](c).usage(`hexstream ${usage} [flags]\n\n${DESCRIPTIONS[name]}`);
      for (const [example, what] of help.examples) built = built.example(example, what);
      return built.epilog(help.epilog);
    });
  }
  return y
    .epilog(TOP_EPILOG)
    .demandCommand(1, NO_COMMAND)
    .strict()
    .help()
    .alias('help', 'h')
    .version(false)
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .fail((message: string | undefined, error: Error | undefined) => {
      throw new UsageError(message ?? error?.message ?? 'invalid command line');
    });
}
