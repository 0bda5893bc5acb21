/** Seconds per trigger from [time, commit_seq] pairs (first to last). */
export function cadence(points: ReadonlyArray<readonly [number, number]>): number {
  const first = points[0];
  const last = points[points.length - 1];
  if (first === undefined || last === undefined || last[1] <= first[1]) return NaN;
  return (last[0] - first[0]) / 1000 / (last[1] - first[1]);
}

/** Seconds (b) took for its first `rows` rows, interpolated between its per-transaction marks. */
export function secondsAt(marks: ReadonlyArray<readonly [number, number]>, rows: number): number {
  let previous: readonly [number, number] = [0, 0];
  for (const mark of marks) {
    if (mark[0] >= rows)
      return previous[1] + ((rows - previous[0]) / (mark[0] - previous[0])) * (mark[1] - previous[1]);
    previous = mark;
  }
  return previous[1] * (rows / Math.max(1, previous[0]));
}

export interface Stats {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** Nearest-rank percentiles; NaN for no samples. */
export function stats(xs: readonly number[]): Stats {
  if (xs.length === 0) return { p50: NaN, p99: NaN, max: NaN };
  const sorted = [...xs].sort((x, y) => x - y);
  const at = (q: number): number => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN };
}

export function secs(ms: number): string {
  // No sample (a run too short to poll the table while orders came): say so rather than NaN.
  if (!Number.isFinite(ms)) return '  n/a  ';
  return `${(ms / 1000).toFixed(2).padStart(5)} s`;
}
