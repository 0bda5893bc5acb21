import { withDeadline } from '../adapters/system/deadline';

/** Why `work` failed, or did not finish within `ms`; `undefined` when it succeeded in time. */
export function failureWithin(work: Promise<void>, ms: number): Promise<string | undefined> {
  const outcome = work.then(
    () => undefined,
    (e: unknown) => (e instanceof Error ? e.message : String(e)),
  );
  return withDeadline<string | undefined>(outcome, ms, () => `no answer within ${ms} ms`);
}
