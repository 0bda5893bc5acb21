import type { JobDefinition } from '../jobs/job';
import type { WindowSpec } from '../windowing/window-spec';
import { FixedWindowAssigner } from './fixed-window-assigner';
import { GlobalWindowAssigner } from './global-window-assigner';
import type { OutputMode } from './output-mode';
import { ProcessingTimeAssigner } from './processing-time-assigner';
import { SessionWindowAssigner } from './session-window-assigner';
import type { WindowAssigner } from './window-assigner';

/** The assigner of a job's windows, over its time domain. */
export function windowAssignerFor<E, G, A>(
  job: JobDefinition<E, G, A>,
  spec: WindowSpec,
  mode: OutputMode,
): WindowAssigner<E> {
  const windows: WindowAssigner<E> =
    spec.kind === 'fixed'
      ? new FixedWindowAssigner(job, spec, mode)
      : spec.kind === 'session'
        ? new SessionWindowAssigner(job, spec)
        : new GlobalWindowAssigner(job, mode);
  return job.timeDomain === 'processing' ? new ProcessingTimeAssigner(windows, job.name) : windows;
}
