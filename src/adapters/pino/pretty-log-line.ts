import type { LogContext } from '../../ports/logger.port';

export type PrettyLevel = 'debug' | 'info' | 'warn' | 'error';

/** Minutes east of UTC at an instant: the process's time zone (`TZ`, else the system's). */
export function processUtcOffset(ms: number): number {
  return -new Date(ms).getTimezoneOffset();
}

/** `2026-12-04T22:31:05.123+01:00`: the local time, with its offset from UTC. */
export function localIsoTime(ms: number, utcOffset: (ms: number) => number = processUtcOffset): string {
  const offsetMin = utcOffset(ms);
  const local = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 23);
  const abs = Math.abs(offsetMin);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${offsetMin < 0 ? '-' : '+'}${hh}:${mm}`;
}

/** A value as typed when it is one plain word, else quoted with JSON's escapes (spaces, quotes, newlines). */
function value(v: string | number | boolean): string {
  if (typeof v !== 'string') return String(v);
  return /^[^\s"=\\]+$/.test(v) ? v : JSON.stringify(v);
}

/**
 * One event as one line for a person to read:
 *
 *   2026-12-04T22:31:05.123+01:00 INFO  pipeline started job=orders partitions=1
 *
 * the level's name padded to five, the message (its line breaks escaped), then the context as
 * key=value in the order given; undefined values are left out, as the JSON lines leave them out.
 */
export function prettyLogLine(
  level: PrettyLevel,
  timeMs: number,
  message: string,
  context?: LogContext,
  utcOffset: (ms: number) => number = processUtcOffset,
): string {
  const fields =
    context === undefined
      ? []
      : Object.entries(context)
          .filter((e): e is [string, string | number | boolean] => e[1] !== undefined)
          .map(([k, v]) => `${k}=${value(v)}`);
  const text = message.replace(/\r?\n/g, '\\n');
  return [localIsoTime(timeMs, utcOffset), level.toUpperCase().padEnd(5), text, ...fields].join(' ');
}
