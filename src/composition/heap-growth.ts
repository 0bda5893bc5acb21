import { setFlagsFromString } from 'node:v8';

/** How far V8's old generation may grow past what was live after a full collection, in percent. */
export const HEAP_GROWING_PERCENT = 75;

/**
 * Caps V8's heap growth factor at 1.75 (V8 picks up to 4 by itself, from its collection speed).
 *
 * The pipeline's live heap is small (the open windows, one trigger being processed and one being
 * committed: tens of MB), but it keeps promoting short-lived objects — rows of open windows, a
 * trigger's records and statements — and V8 lets the old generation grow to its factor times what
 * survived the last full collection before collecting again. One collection during a large trigger
 * then sets a high limit, and RSS swings to several times the live heap. Measured peak RSS (two
 * runs each; CPU within the noise of a shared machine unless said):
 *
 *   factor               uncapped     3            2
 *   test, 5M orders      385–387 MB   316–321 MB   265–273 MB (+10 % CPU)
 *   prod, 1M orders      320–395 MB   268–322 MB   243–279 MB (+10–15 % CPU)
 *   test, 5M orders in 3 files, 24 h:  3: 378–388 MB, 2: 273 MB (CPU 82.6 → 84.8 s, within the noise)
 *
 * The factor of 3 left the 5M-order soak within 15 MB of its 400 MB bound, so it was 2. Once the file
 * sink held its pending rows outside the heap (`row-arena.ts`), 1M orders in test mode, update mode,
 * peaked at 319–345 MB with 2, 288 MB (twice) with 1.75 for the same CPU (10.5 s), and 280 MB with 1.6
 * for 8 % more; prod into MariaDB (one run each, a shared machine): 357–389 MB with 2 (21.8–22.8 s of
 * CPU), 337 MB with 1.75 (23.3 s), 298 MB with 1.6 (26.1 s).
 *
 * Read by V8 at each full collection, so setting it at start-up takes effect (unlike the heap
 * size limits). A `--heap-growing-percent` given to node itself (command line or NODE_OPTIONS) wins.
 */
export function boundHeapGrowth(execArgv: readonly string[], nodeOptions: string | undefined): void {
  if (!heapGrowthGiven(execArgv, nodeOptions)) setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/** Whether node was started with its own `--heap-growing-percent` (or `--heap_growing_percent`). */
export function heapGrowthGiven(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  return [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].some((a) => /^--heap[-_]growing[-_]percent(=|$)/.test(a));
}
