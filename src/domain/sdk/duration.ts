/** A duration: a whole number of milliseconds, or a text such as `'500ms'`, `'10s'`, `'1m'`, `'2h'`. */
export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h'}`;

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** The duration in whole milliseconds; `what` names it in the error (e.g. `job "x": window`). */
export function durationMs(duration: number | string, what: string): number {
  let ms: number;
  if (typeof duration === 'number') ms = duration;
  else {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/.exec(duration);
    if (m === null) throw new Error(`${what}: ${JSON.stringify(duration)} is not a duration (e.g. 500ms, 10s, 1m, 2h)`);
    ms = Number(m[1]) * (UNIT_MS[m[2] ?? 'ms'] ?? 1);
  }
  if (!Number.isSafeInteger(ms) || ms < 0)
    throw new Error(`${what}: ${String(duration)} is not a whole, non-negative number of milliseconds`);
  return ms;
}
