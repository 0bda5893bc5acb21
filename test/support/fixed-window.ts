import type { FixedWindowSpec, WindowSpec } from '../../src/domain/windowing/window-spec';

/** The fixed (tumbling or sliding) windows a job's defaults hold; a test of a job with other windows fails here. */
export function fixedWindow(spec: WindowSpec): FixedWindowSpec {
  if (spec.kind !== 'fixed') throw new Error(`expected fixed windows, got ${spec.kind} windows`);
  return spec;
}
