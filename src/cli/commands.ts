/** The commands, in the order `--help` lists them. */
export const COMMANDS = ['test', 'prod', 'batch', 'produce', 'ingest', 'replay', 'new-job'] as const;
export type CommandName = (typeof COMMANDS)[number];

/**
 * Flags a command cannot run without. Checked after the environment is read (see `parseCommandLine`):
 * yargs would ask for them before, and refuse a `HEXSTREAM_INPUT` that gives one.
 */
export const REQUIRED_FLAGS: Readonly<Record<CommandName, readonly string[]>> = {
  test: [],
  prod: [],
  batch: ['input'],
  produce: ['to'],
  ingest: ['from', 'format'],
  replay: [],
  'new-job': [],
};

/** What a command line without a command is told. */
export const NO_COMMAND = `name a command: ${COMMANDS.slice(0, -1).join(', ')} or ${COMMANDS[COMMANDS.length - 1] ?? ''} (hexstream --help lists them)`;

export function isCommand(name: string): name is CommandName {
  return (COMMANDS as readonly string[]).includes(name);
}
