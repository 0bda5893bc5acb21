import { HexstreamError } from '../domain/hexstream-error';
import { DURATION_SYNTAX, parseDuration } from './duration';
import type { RawFlags } from './raw-flags';
import type { LogFormat, LogLevel } from './run-config';

export function invalid(flag: string, message: string): HexstreamError {
  return new HexstreamError('CONFIG_INVALID', `${flag}: ${message}`);
}

/** An instant as epoch milliseconds or ISO-8601 with a zone (`2020-01-01T10:00:00Z`). */
export function instant(flag: string, value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  const ms = /^\d+$/.test(text)
    ? Number(text)
    : /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(text)
      ? Date.parse(text)
      : NaN;
  if (!Number.isSafeInteger(ms))
    throw invalid(
      flag,
      `expected epoch milliseconds or an ISO-8601 time with a zone (e.g. 2020-01-01T10:00:00Z), got ${JSON.stringify(value)}`,
    );
  return ms;
}

/** `--idle-timeout`: a duration (0: a partition is idle as soon as a trigger passes without its records), or `off`: never idle. */
export function idleTimeout(text: string | undefined): number {
  if (text === undefined) return 30_000;
  if (String(text).trim() === 'off') return Number.POSITIVE_INFINITY;
  const ms = parseDuration(String(text));
  if (ms === undefined)
    throw invalid(
      '--idle-timeout',
      `invalid duration ${JSON.stringify(text)}: write ${DURATION_SYNTAX}, or off (never idle)`,
    );
  return ms;
}

export function duration(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const ms = parseDuration(String(text));
  if (ms === undefined) throw invalid(flag, `invalid duration ${JSON.stringify(text)}: write ${DURATION_SYNTAX}`);
  return ms;
}

export function positiveInteger(flag: string, value: string | number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'number' ? value : /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0)
    throw invalid(flag, `must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

export function positiveDuration(flag: string, text: string | undefined, fallback: number): number {
  const ms = duration(flag, text, fallback);
  if (ms <= 0) throw invalid(flag, 'must be longer than 0');
  return ms;
}

export function logLevel(flags: Pick<RawFlags, 'verbose' | 'logLevel'>): LogLevel {
  if (flags.verbose === true) return 'debug';
  const level = flags.logLevel ?? 'warn';
  if (level === 'debug' || level === 'info' || level === 'warn' || level === 'error' || level === 'silent')
    return level;
  throw invalid('--log-level', `must be debug, info, warn, error or silent, got ${JSON.stringify(level)}`);
}

/** `--log-format pretty|json`; undefined when not given (the composition picks by the terminal). */
export function logFormat(flags: Pick<RawFlags, 'logFormat'>): LogFormat | undefined {
  const format = flags.logFormat;
  if (format === undefined || format === 'json' || format === 'pretty') return format;
  throw invalid('--log-format', `must be pretty or json, got ${JSON.stringify(format)}`);
}
