import type { CombineFn } from './combiners';

/**
 * A combiner whose `add` also receives the input's event time (epoch ms). Every `CombineFn` is one
 * (it ignores the time); `firstByTime`/`lastByTime` use it.
 */
export interface TimedCombineFn<I, A, O> extends Omit<CombineFn<I, A, O>, 'add'> {
  add(acc: A, input: I, eventMs: number): A;
}
