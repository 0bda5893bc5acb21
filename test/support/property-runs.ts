/**
 * How many cases a fast-check property runs, by HEXSTREAM_PROPERTY_RUNS:
 *
 *   full    the count the property names: `npm test`, and so CI
 *   quick   (the default) a tenth of it, or the smaller count a slow property names: fast
 *           feedback from `npm run test:unit` and from running one file
 *
 * What a property asserts does not depend on the count; fast-check draws new cases on each run.
 */
export function propertyRuns(full: number, quick: number = Math.ceil(full / 10)): number {
  const named = process.env['HEXSTREAM_PROPERTY_RUNS']?.trim() ?? '';
  const scale = named === '' ? 'quick' : named;
  if (scale === 'full') return full;
  if (scale === 'quick') return Math.min(quick, full);
  throw new Error(`HEXSTREAM_PROPERTY_RUNS=${scale}: expected quick or full`);
}
