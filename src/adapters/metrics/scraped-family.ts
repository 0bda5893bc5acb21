import { Counter, Gauge, type Registry } from 'prom-client';

export type SeriesLabels = Record<string, string | number>;

/** Fills a family at scrape time: calls `set` once per series with its labels and value. */
export type SeriesFill = (set: (labels: SeriesLabels, value: number) => void) => void;

/**
 * A family whose series are read from the runs when Prometheus scrapes, not counted as they go:
 * the figures are the runs' own, so they are exact. A counter is reset and set again at each
 * scrape (prom-client's counters only add); the values read are themselves totals that never go
 * down within a process.
 */
export function scrapedFamily(
  registry: Registry,
  kind: 'counter' | 'gauge',
  config: { readonly name: string; readonly help: string; readonly labelNames: string[] },
  fill: SeriesFill,
): void {
  const registers = [registry];
  if (kind === 'counter')
    new Counter({
      ...config,
      registers,
      collect(this: Counter) {
        this.reset();
        fill((l, v) => this.inc(l, v));
      },
    });
  else
    new Gauge({
      ...config,
      registers,
      collect(this: Gauge) {
        this.reset();
        fill((l, v) => this.set(l, v));
      },
    });
}
