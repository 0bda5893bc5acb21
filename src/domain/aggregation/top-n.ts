import type { CombineFn } from './combiners';

/** One entry of a ranking: a value and the measure it is ranked by. */
export interface Ranked<V> {
  readonly value: V;
  readonly by: number;
}

/** The best `by` of each value kept, best first: `[by, value]` pairs, at most n. */
export type TopNAccumulator<V> = [number, V][];

/** Higher `by` first; on a tie the smaller value, so the ranking never depends on arrival order. */
function before<V>(a: [number, V], b: [number, V]): boolean {
  return a[0] > b[0] || (a[0] === b[0] && a[1] < b[1]);
}

function insert<V>(acc: TopNAccumulator<V>, n: number, by: number, value: V): TopNAccumulator<V> {
  const at = acc.findIndex((e) => e[1] === value);
  if (at >= 0) {
    const old = acc[at] as [number, V];
    if (by <= old[0]) return acc;
    acc.splice(at, 1);
  } else if (acc.length === n && !before([by, value], acc[n - 1] as [number, V])) return acc;
  const entry: [number, V] = [by, value];
  let i = acc.length;
  while (i > 0 && before(entry, acc[i - 1] as [number, V])) i--;
  acc.splice(i, 0, entry);
  if (acc.length > n) acc.pop();
  return acc;
}

/**
 * The `n` distinct values (`of`) with the highest measure (`by`), each ranked by its highest `by`,
 * best first. Keeps only n entries: a value pushed out can only come back with a higher `by`,
 * which is then its best, so the ranking is the one over all inputs. Values are compared with `===`
 * and ordered with `<` on a tie (strings or numbers).
 */
export function topN<I, V>(
  n: number,
  by: (input: I) => number,
  of: (input: I) => V,
): CombineFn<I, TopNAccumulator<V>, Ranked<V>[]> {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`topN needs a whole n ≥ 1, got ${n}`);
  return {
    create: () => [],
    add: (acc, input) => insert(acc, n, by(input), of(input)),
    merge: (a, b) => {
      for (const [score, value] of b) insert(a, n, score, value);
      return a;
    },
    extract: (acc) => acc.map(([score, value]) => ({ value, by: score })),
  };
}
