import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { field, fmt, WORK as work } from './common';

/** Runs of each definition, alternating, so that a slow moment of the machine does not favour one. */
const RUNS = 2;

interface DefinitionRun {
  readonly records: number;
  readonly rows: number;
  readonly accepted: number;
  readonly elapsed: number;
  readonly rssMb: number;
}

/** One `test` pipeline run of the orders job with the definition `which` (see orders-definition-run.ts). */
function runDefinition(which: string, input: string, mode: string): DefinitionRun {
  const out = join(work, `out-${which}`);
  const r = spawnSync(process.execPath, [join(__dirname, 'orders-definition-run.js'), which, input, out, mode], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`the ${which} orders job failed (${r.status}): ${r.stderr}`);
  return {
    records: field(r.stdout, 'records read'),
    rows: field(r.stdout, 'rows written'),
    accepted: field(r.stdout, 'accepted'),
    elapsed: field(r.stdout, 'elapsed'),
    rssMb: field(r.stdout, 'peak memory'),
  };
}

function line(label: string, best: DefinitionRun): string {
  const rate = best.records / best.elapsed;
  return `${label.padEnd(36)}${fmt(rate).padStart(9)} records/s  ${best.elapsed.toFixed(2).padStart(6)} s   peak RSS ${fmt(best.rssMb).padStart(4)} MB`;
}

/**
 * (c): the built-in orders job (src/domain/jobs/orders.job.ts) against the hand-written definition
 * kept in legacy-orders.job.ts, through the same `test` pipeline on the same file in update mode,
 * each run in its own process, best of RUNS each; both must read, accept and write the same.
 */
export function definitionComparison(input: string): void {
  const runs = new Map<string, DefinitionRun[]>([
    ['hand-written', []],
    ['built-in', []],
  ]);
  for (let i = 0; i < RUNS; i++) for (const [which, done] of runs) done.push(runDefinition(which, input, 'update'));
  const best = (which: string): DefinitionRun => {
    const done = runs.get(which) ?? [];
    const fastest = [...done].sort((a, b) => a.elapsed - b.elapsed)[0];
    if (fastest === undefined) throw new Error(`no run of the ${which} orders job`);
    return fastest;
  };
  const [builtIn, handWritten] = [best('built-in'), best('hand-written')];
  for (const k of ['records', 'accepted', 'rows'] as const) {
    if (builtIn[k] !== handWritten[k])
      throw new Error(`the two orders jobs differ in ${k}: built-in ${builtIn[k]}, hand-written ${handWritten[k]}`);
  }
  console.log(line('(c) orders, built-in definition', builtIn));
  console.log(line('(c) orders, hand-written baseline', handWritten));
  const ratio = builtIn.records / builtIn.elapsed / (handWritten.records / handWritten.elapsed);
  console.log(`(c) built-in / hand-written = ${ratio.toFixed(2)} (update mode, best of ${RUNS} runs each)`);
}
