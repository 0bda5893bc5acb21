import type { FlagInfo } from './parser';
import { UsageError } from './usage-error';

const PREFIX = 'HEXSTREAM_';

/** `--output-mode` → `HEXSTREAM_OUTPUT_MODE`. */
export function envVariable(flag: string): string {
  return `${PREFIX}${flag.replace(/-/g, '_').toUpperCase()}`;
}

function camelCase(flag: string): string {
  return flag.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** The values the environment gave, and which variable gave each flag (to name it in errors). */
export interface EnvFlags {
  readonly values: Readonly<Record<string, string | boolean>>;
  /** `--window` → `HEXSTREAM_WINDOW`, for the flags whose value came from the environment. */
  readonly sources: ReadonlyMap<string, string>;
}

/**
 * The `HEXSTREAM_<FLAG>` variables of one command's flags that the command line did not set. Only
 * the command's own flags are looked up: the environment also holds variables for other commands,
 * for scripts (HEXSTREAM_KAFKA_HOME, HEXSTREAM_CONFORMANCE, …) or for nothing at all, and none of
 * them may fail a run. A boolean takes true/false (also 1/0, yes/no, on/off).
 */
export function flagsFromEnv(
  flags: ReadonlyMap<string, FlagInfo>,
  given: Readonly<Record<string, unknown>>,
  env: NodeJS.ProcessEnv,
): EnvFlags {
  const values: Record<string, string | boolean> = {};
  const sources = new Map<string, string>();
  for (const [flag, info] of flags) {
    const key = camelCase(flag);
    const name = envVariable(flag);
    const text = env[name];
    if (text === undefined || given[key] !== undefined) continue;
    if (info.type === 'boolean') {
      const lower = text.trim().toLowerCase();
      if (!TRUE.has(lower) && !FALSE.has(lower))
        throw new UsageError(`${name}: expected true or false, got ${JSON.stringify(text)}`);
      values[key] = TRUE.has(lower);
    } else {
      values[key] = text;
    }
    values[flag] = values[key] as string | boolean;
    sources.set(`--${flag}`, name);
  }
  return { values, sources };
}

/**
 * A configuration error about a flag whose value came from the environment names the variable:
 * `--window: invalid duration "abc"` → `HEXSTREAM_WINDOW: invalid duration "abc"`.
 */
export function nameVariable(message: string, sources: ReadonlyMap<string, string>): string {
  const flag = /^(--[a-z][a-z-]*): /.exec(message)?.[1];
  const name = flag === undefined ? undefined : sources.get(flag);
  return flag === undefined || name === undefined ? message : `${name}${message.slice(flag.length)}`;
}
