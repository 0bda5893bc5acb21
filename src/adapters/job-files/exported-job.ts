import type { AnyJob } from '../../domain/jobs/job';

/** The job a module exports, or what is wrong with its exports. */
export type ExportedJob =
  { readonly ok: true; readonly job: AnyJob } | { readonly ok: false; readonly message: string };

/**
 * The job a job module exports: its `default` export, else its export named `job`, else the only
 * job among its exports (`module.exports = defineJob(…)` counts as default). A job is what
 * `defineJob` returns: recognised by its shape, as it may come from another copy of hexstream.
 */
export function exportedJob(exports: unknown): ExportedJob {
  if (isJob(exports)) return { ok: true, job: exports };
  const named = isRecord(exports) ? exports : {};
  // An ES module importing CommonJS, or TypeScript's interop, may wrap the exports once more.
  const inner = isRecord(named['default']) && !isJob(named['default']) ? named['default'] : {};
  for (const candidate of [named['default'], named['job'], inner['default'], inner['job']]) {
    if (isJob(candidate)) return { ok: true, job: candidate };
  }
  const names = Object.keys(named).filter((k) => k !== '__esModule');
  const jobs = new Map<AnyJob, string[]>();
  for (const name of names) {
    const value = named[name];
    if (isJob(value)) jobs.set(value, [...(jobs.get(value) ?? []), name]);
  }
  const only = jobs.size === 1 ? [...jobs.keys()][0] : undefined;
  if (only !== undefined) return { ok: true, job: only };
  if (jobs.size > 1)
    return {
      ok: false,
      message: `exports several jobs (${[...jobs.values()].map((n) => n.join('/')).join(', ')}): export the one to run as default or as "job"`,
    };
  const exported = names.length === 0 ? 'it exports nothing' : `it exports ${names.join(', ')}`;
  return {
    ok: false,
    message: `exports no job: export the result of defineJob(…) as default or as "job" (${exported})`,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

function isJob(value: unknown): value is AnyJob {
  if (!isRecord(value)) return false;
  return (
    typeof value['name'] === 'string' &&
    typeof value['decode'] === 'function' &&
    typeof value['eventTimeMs'] === 'function' &&
    typeof value['groupKey'] === 'function' &&
    typeof value['toRow'] === 'function' &&
    isRecord(value['combiner']) &&
    isRecord(value['table']) &&
    isRecord(value['defaults']) &&
    isRecord(value['io'])
  );
}
