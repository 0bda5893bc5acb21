import type { LogContext } from '../../ports/logger.port';

/**
 * Every failpoint, with where it sits and what it can do. This table is the one place they are
 * documented.
 *
 * A failpoint is a named place on the commit path where a run can be made to fail on purpose, to
 * test recovery on real processes (as TiKV's fail-rs and FoundationDB's simulation do). All are off
 * unless `--failpoints` (or `HEXSTREAM_FAILPOINTS`) names them, and one that is off costs nothing:
 * the composition builds the adapter without the hook. The path of one prod trigger:
 *
 *   BEGIN ─▶ rows ─▶ ①<db>.before-checkpoint ─▶ positions, checkpoint ─▶ ②<db>.before-commit ─▶ COMMIT
 *         ─▶ ③kafka.before-offset-commit ─▶ consumer group offsets to Kafka (lag monitoring only)
 */
export const FAILPOINTS = {
  'mysql.before-checkpoint': {
    where: "MySQL sink, inside a trigger's transaction: after the rows, before the positions and checkpoint",
    actions: ['kill', 'error'],
  },
  'mysql.before-commit': {
    where: 'MySQL sink: after the positions and checkpoint (and a graceful stop’s snapshot), just before COMMIT',
    actions: ['kill', 'error'],
  },
  'postgres.before-checkpoint': {
    where: "PostgreSQL sink, inside a trigger's transaction: after the rows, before the positions and checkpoint",
    actions: ['kill', 'error'],
  },
  'postgres.before-commit': {
    where: 'PostgreSQL sink: after the positions and checkpoint, just before COMMIT',
    actions: ['kill', 'error'],
  },
  // A failed offset commit is only logged (the offsets serve lag monitoring): an error here would be no real failure.
  'kafka.before-offset-commit': {
    where:
      "prod: after the trigger's database COMMIT, before its positions are committed as the consumer group's offsets",
    actions: ['kill'],
  },
} as const satisfies Record<string, { readonly where: string; readonly actions: readonly FailpointAction[] }>;

export type FailpointName = keyof typeof FAILPOINTS;

/**
 * What a failpoint does when it fires:
 * - `kill`: SIGKILL this process, as `kill -9` would: no rollback, no flush, no report;
 * - `error`: throw there, as a failing driver call would (the run handles it as such).
 */
export type FailpointAction = 'kill' | 'error';

export interface FailpointSpec {
  readonly action: FailpointAction;
  /** Fires the Nth time the point is reached (1 = the first); the other hits do nothing. */
  readonly onHit: number;
}

/** The failpoints a run turns on; an empty plan is the default. */
export type FailpointPlan = ReadonlyMap<FailpointName, FailpointSpec>;

export type ParsedFailpoints =
  { readonly ok: true; readonly plan: FailpointPlan } | { readonly ok: false; readonly message: string };

const ENTRY = /^([a-z.-]+)=(kill|error|off)(?:@(\d+))?$/;

/**
 * Parses `name=action[@N][;name=action[@N]…]` (e.g. `mysql.before-checkpoint=kill@3`): `@N` fires
 * on the Nth hit only (default 1); `off` is the same as leaving the point out.
 */
export function parseFailpoints(text: string): ParsedFailpoints {
  const plan = new Map<FailpointName, FailpointSpec>();
  for (const raw of text.split(';')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const m = ENTRY.exec(entry);
    if (m === null) return { ok: false, message: `expected name=kill|error|off[@N], got ${JSON.stringify(entry)}` };
    const name = m[1] ?? '';
    if (!isFailpointName(name))
      return {
        ok: false,
        message: `unknown failpoint ${JSON.stringify(name)} (known: ${Object.keys(FAILPOINTS).join(', ')})`,
      };
    if (plan.has(name)) return { ok: false, message: `failpoint ${name} is named twice` };
    const action = m[2];
    const allowed: readonly string[] = FAILPOINTS[name].actions;
    if (action !== 'off' && !allowed.includes(action ?? ''))
      return { ok: false, message: `failpoint ${name} takes ${allowed.join(' or ')}, not ${String(action)}` };
    const onHit = m[3] === undefined ? 1 : Number(m[3]);
    if (!Number.isSafeInteger(onHit) || onHit < 1)
      return { ok: false, message: `${name}: @N counts hits from 1, got ${JSON.stringify(m[3])}` };
    if (action !== 'off') plan.set(name, { action: action === 'kill' ? 'kill' : 'error', onHit });
  }
  return { ok: true, plan };
}

function isFailpointName(name: string): name is FailpointName {
  return Object.hasOwn(FAILPOINTS, name);
}

/** Called where a failpoint sits; resolves at once unless the point fires (then it never resolves, or rejects). */
export type FailpointHook = () => Promise<void>;

export interface FailpointsOptions {
  /** Told just before a point fires (the composition logs it as an error). */
  readonly fired?: (message: string, context: LogContext) => void;
  /** How `kill` ends the process (tests replace it with a function that throws: it must not return). */
  readonly kill?: () => void;
}

/**
 * The failpoints of one run: hands the adapters a hook for each point the plan turns on, counts
 * its hits, and fires on the planned one. `unclaimed()` names the planned points that no adapter of
 * this run took, so a point off this run's path is an error rather than a silent no-op.
 */
export class Failpoints {
  private readonly hits = new Map<FailpointName, number>();
  private readonly claimed = new Set<FailpointName>();

  constructor(
    private readonly plan: FailpointPlan,
    private readonly options: FailpointsOptions = {},
  ) {}

  /** The hook for `name`, or `undefined` when the plan leaves it off (the adapter then has none). */
  hook(name: FailpointName): FailpointHook | undefined {
    const spec = this.plan.get(name);
    if (spec === undefined) return undefined;
    this.claimed.add(name);
    return () => this.hit(name, spec);
  }

  /** Planned points that no adapter took: they would never fire in this run. */
  unclaimed(): FailpointName[] {
    return [...this.plan.keys()].filter((name) => !this.claimed.has(name));
  }

  private async hit(name: FailpointName, spec: FailpointSpec): Promise<void> {
    const n = (this.hits.get(name) ?? 0) + 1;
    this.hits.set(name, n);
    if (n !== spec.onHit) return;
    this.options.fired?.(`failpoint ${name} fired: ${spec.action}`, { failpoint: name, action: spec.action, hit: n });
    if (spec.action === 'error') throw new Error(`failpoint ${name} (hit ${n})`);
    (this.options.kill ?? killThisProcess)();
    // SIGKILL to oneself is delivered before the call returns; should it not be, nothing after the point runs.
    await new Promise<never>(() => undefined);
  }
}

function killThisProcess(): void {
  process.kill(process.pid, 'SIGKILL');
}
