import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { flagsFromEnv } from './env-flags';
import { buildParser, COMMANDS, flagsOf, isCommand, NO_COMMAND, REQUIRED_FLAGS, type CommandName } from './parser';
import { UsageError } from './usage-error';

/** What the command line asks for. */
export type CommandLine =
  | { readonly kind: 'help' | 'version'; readonly text: string }
  | {
      readonly kind: 'run';
      readonly command: CommandName;
      readonly argv: Record<string, unknown>;
      readonly sources: ReadonlyMap<string, string>;
    };

/**
 * Parses the command line, then adds the command's HEXSTREAM_* variables. Anything wrong is a
 * {@link UsageError} that says it in the user's terms: which argument is missing, which flag
 * belongs to another command, which command was probably meant.
 */
export function parseCommandLine(args: readonly string[], env: NodeJS.ProcessEnv): CommandLine {
  const first = args[0];
  if (first === undefined) throw new UsageError(NO_COMMAND);
  if (first === '--version') return { kind: 'version', text: version() };
  if (!first.startsWith('-') && !isCommand(first)) {
    const guess = closest(first, COMMANDS);
    throw new UsageError(
      `unknown command ${JSON.stringify(first)}${guess === undefined ? '' : ` (did you mean ${guess}?)`}; the commands are ${COMMANDS.join(', ')}`,
    );
  }
  const command = isCommand(first) ? first : undefined;
  const flags = command === undefined ? new Map() : flagsOf(command);
  let help: string | undefined;
  let argv: Record<string, unknown>;
  const repeated = command === 'ingest' ? takeRepeated(args, 'subscribe') : { rest: args, values: [] };
  try {
    argv = buildParser().parse(
      joinNegativeValues(aloneHttp(repeated.rest), flags),
      {},
      (_err: unknown, _argv: unknown, output: string) => {
        help = output;
      },
    ) as Record<string, unknown>;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    if (command !== undefined) throw new UsageError(explain(e.message, command, args));
    // Flags before any command (`hexstream --window 1m`): they belong to a command.
    throw new UsageError(/^Unknown arguments?:/.test(e.message) ? NO_COMMAND : e.message);
  }
  if (argv['help'] === true) return { kind: 'help', text: help ?? '' };
  if (repeated.values.length > 0) argv = { ...argv, subscribe: repeated.values };
  if (command === undefined) throw new UsageError(NO_COMMAND);
  const fromEnv = flagsFromEnv(flags, argv, env);
  const all = { ...argv, ...fromEnv.values };
  const missing = REQUIRED_FLAGS[command].filter((f) => all[f] === undefined);
  if (missing.length > 0)
    throw new UsageError(
      `${command}: ${missing.map((f) => `--${f}`).join(' and ')} ${missing.length === 1 ? 'is' : 'are'} required (hexstream ${command} --help)`,
    );
  return { kind: 'run', command, argv: all, sources: fromEnv.sources };
}

/**
 * `--window -5s`: yargs reads `-5s` as the short flags `-5` and `-s`. A string flag followed by
 * something that starts like a negative number takes it as its value, so that the value is
 * refused for what it is (an invalid duration) and not as unknown flags.
 */
function joinNegativeValues(args: readonly string[], flags: ReadonlyMap<string, { type: string }>): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const next = args[i + 1];
    if (
      arg.startsWith('--') &&
      !arg.includes('=') &&
      flags.get(arg.slice(2))?.type === 'string' &&
      next !== undefined &&
      /^-[\d.]/.test(next)
    ) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/**
 * A flag that may be given several times (`ingest --subscribe A --subscribe B`), taken out of the
 * arguments with its values in order: the parser keeps only the last value of a repeated flag.
 */
function takeRepeated(args: readonly string[], flag: string): { rest: string[]; values: string[] } {
  const rest: string[] = [];
  const values: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const next = args[i + 1];
    if (arg.startsWith(`--${flag}=`)) values.push(arg.slice(flag.length + 3));
    else if (arg === `--${flag}` && next !== undefined) {
      values.push(next);
      i++;
    } else rest.push(arg);
  }
  return { rest, values };
}

/**
 * `--http` may stand alone (the default address): `test --http you@example.com` must not take the
 * address of the report for the endpoint's, so a value that cannot be one (it holds `@`) is left
 * to be the positional argument it is.
 */
function aloneHttp(args: readonly string[]): string[] {
  return args.map((arg, i) => (arg === '--http' && args[i + 1]?.includes('@') === true ? '--http=' : arg));
}

/** The positional arguments of each command, as said when there is one too many. */
const TAKES: Readonly<Record<CommandName, string>> = {
  test: 'one <email>',
  prod: 'one <email>',
  batch: 'one <email>',
  produce: 'no argument',
  ingest: 'one <email>',
  replay: 'no argument',
  'new-job': 'one <name>',
};

/** A yargs message, said in terms of the command. */
function explain(message: string, command: CommandName, args: readonly string[]): string {
  if (message.startsWith('Not enough non-option arguments')) {
    if (command === 'new-job')
      return `new-job: <name> is missing: the job's name, lower-case words joined by hyphens (e.g. hexstream new-job page-views)`;
    return `${command}: <email> is missing: the operator's address, which gets the run report (e.g. hexstream ${command} you@example.com)`;
  }
  const unknown = /^Unknown arguments?: (.+)$/.exec(message)?.[1];
  if (unknown !== undefined)
    return unknown
      .split(', ')
      .map((name) => unknownArgument(name, command, args))
      .join('; ');
  return message;
}

function unknownArgument(name: string, command: CommandName, args: readonly string[]): string {
  const typed = args.find(
    (a) => a === `--${name}` || a.startsWith(`--${name}=`) || a === `--no-${name}` || a === `-${name}`,
  );
  if (typed === undefined)
    return `unexpected argument ${JSON.stringify(name)} (${command} takes ${TAKES[command]} besides flags)`;
  const flag = `--${name.replace(/^no-/, '')}`;
  const owners = COMMANDS.filter((c) => c !== command && flagsOf(c).has(flag.slice(2)));
  if (owners.length > 0)
    return `${flag} is a flag of ${[owners.slice(0, -1).join(', '), owners[owners.length - 1]].filter((s) => s !== '').join(' and ')}, not of ${command}`;
  const guess = closest(flag.slice(2), [...flagsOf(command).keys()]);
  return `unknown flag ${typed.split('=')[0] ?? flag} for ${command}${guess === undefined ? '' : ` (did you mean --${guess}?)`}`;
}

/** The candidate nearest to `word` by edit distance, when near enough to be a typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance, with a swap of two neighbours counted as one edit (`tset` → `test`). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_r, i) =>
    Array.from({ length: b.length + 1 }, (_c, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = v;
    }
  }
  return at(a.length, b.length);
}

/** The package's version (package.json sits two levels above both src/cli and dist/cli). */
function version(): string {
  const pkg = JSON.parse(readFileSync(resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: unknown };
  return `hexstream ${String(pkg.version)}`;
}
