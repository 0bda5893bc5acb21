/**
 * What a trigger emits:
 * - `update`: the current value of every row that changed in the trigger (sinks upsert);
 * - `append`: each row once, with its final value, when its window closes;
 * - `complete`: the whole result table, every trigger (keeps all state).
 */
export type OutputMode = 'update' | 'append' | 'complete';

export const OUTPUT_MODES: readonly OutputMode[] = ['update', 'append', 'complete'];

export function isOutputMode(value: string): value is OutputMode {
  return (OUTPUT_MODES as readonly string[]).includes(value);
}
