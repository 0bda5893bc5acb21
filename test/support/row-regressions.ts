import type { MemorySink } from '../../src/adapters/memory/memory-sink.adapter';

/**
 * Rows whose written value went back (fewer orders than a value written before, across every
 * commit of every run): a replay after a restart must not write a partly rebuilt row over the
 * complete value committed before.
 */
export function orderCountRegressions(sink: MemorySink): string[] {
  const last = new Map<string, number>();
  const out: string[] = [];
  for (const commit of sink.commits) {
    for (const row of commit.rows) {
      const orders = Number(row.values.total_orders);
      const before = last.get(row.key);
      if (before !== undefined && orders < before)
        out.push(`${row.key}: ${before} → ${orders} orders in trigger ${commit.sequence}`);
      last.set(row.key, orders);
    }
  }
  return out;
}
