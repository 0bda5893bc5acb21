import {
  FAILPOINTS,
  Failpoints,
  parseFailpoints,
  type FailpointPlan,
} from '../../../src/adapters/failpoints/failpoints';
import { FailpointSource } from '../../../src/adapters/failpoints/failpoint-source.adapter';
import { MemorySource } from '../../../src/adapters/memory/memory-source.adapter';
import type { LogContext } from '../../../src/ports/logger.port';

function plan(text: string): FailpointPlan {
  const parsed = parseFailpoints(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.plan;
}

class Killed extends Error {}

describe('parseFailpoints', () => {
  it('reads name=action[@N] entries separated by semicolons, the hit defaulting to the first', () => {
    expect(
      plan('mysql.before-checkpoint=kill@3; postgres.before-commit=error;kafka.before-offset-commit=kill@2'),
    ).toEqual(
      new Map([
        ['mysql.before-checkpoint', { action: 'kill', onHit: 3 }],
        ['postgres.before-commit', { action: 'error', onHit: 1 }],
        ['kafka.before-offset-commit', { action: 'kill', onHit: 2 }],
      ]),
    );
  });

  it('leaves out points that are off, and reads an empty text as no failpoint', () => {
    expect(plan('mysql.before-commit=off;postgres.before-commit=off@2')).toEqual(new Map());
    expect(plan('')).toEqual(new Map());
    expect(plan(' ; ')).toEqual(new Map());
  });

  it.each([
    ['mysql.before-commit', 'expected name=kill|error|off[@N], got "mysql.before-commit"'],
    ['mysql.before-commit=crash', 'expected name=kill|error|off[@N], got "mysql.before-commit=crash"'],
    ['mysql.before-commit=kill@', 'expected name=kill|error|off[@N], got "mysql.before-commit=kill@"'],
    ['mysql.before-commit=kill@0', 'mysql.before-commit: @N counts hits from 1, got "0"'],
    [
      'mysql.after-commit=kill',
      `unknown failpoint "mysql.after-commit" (known: ${Object.keys(FAILPOINTS).join(', ')})`,
    ],
    ['mysql.before-commit=kill;mysql.before-commit=error', 'failpoint mysql.before-commit is named twice'],
    ['kafka.before-offset-commit=error', 'failpoint kafka.before-offset-commit takes kill, not error'],
  ])('refuses %j: %s', (text, message) => {
    expect(parseFailpoints(text)).toEqual({ ok: false, message });
  });
});

describe('Failpoints', () => {
  it('hands out no hook for a point that is off', () => {
    const failpoints = new Failpoints(plan('mysql.before-commit=kill'));

    expect(failpoints.hook('mysql.before-checkpoint')).toBeUndefined();
    expect(failpoints.hook('kafka.before-offset-commit')).toBeUndefined();
  });

  it('kills on the planned hit only, saying so first', async () => {
    const told: Array<[string, LogContext]> = [];
    const kills: number[] = [];
    let hit = 0;
    const failpoints = new Failpoints(plan('mysql.before-checkpoint=kill@3'), {
      fired: (message, context) => told.push([message, context]),
      kill: () => {
        kills.push(hit);
        throw new Killed();
      },
    });
    const hook = failpoints.hook('mysql.before-checkpoint');
    if (hook === undefined) throw new Error('no hook');

    for (hit = 1; hit <= 2; hit++) await hook();
    await expect(hook()).rejects.toBeInstanceOf(Killed);
    for (hit = 4; hit <= 5; hit++) await hook();

    expect(kills).toEqual([3]);
    expect(told).toEqual([
      [
        'failpoint mysql.before-checkpoint fired: kill',
        { failpoint: 'mysql.before-checkpoint', action: 'kill', hit: 3 },
      ],
    ]);
  });

  it('throws on the planned hit of an error point, as a failing driver call would', async () => {
    const failpoints = new Failpoints(plan('postgres.before-commit=error@2'), {
      kill: () => {
        throw new Killed('an error point must not kill');
      },
    });
    const hook = failpoints.hook('postgres.before-commit');
    if (hook === undefined) throw new Error('no hook');

    await hook();
    await expect(hook()).rejects.toThrow('failpoint postgres.before-commit (hit 2)');
    await hook();
  });

  it('counts each point on its own', async () => {
    const fired: string[] = [];
    const failpoints = new Failpoints(plan('mysql.before-checkpoint=error@2;mysql.before-commit=error@2'), {
      fired: (_m, c) => fired.push(String(c.failpoint)),
    });
    const checkpoint = failpoints.hook('mysql.before-checkpoint');
    const commit = failpoints.hook('mysql.before-commit');
    if (checkpoint === undefined || commit === undefined) throw new Error('no hook');

    await checkpoint();
    await commit();
    await expect(checkpoint()).rejects.toThrow('mysql.before-checkpoint');
    await expect(commit()).rejects.toThrow('mysql.before-commit');

    expect(fired).toEqual(['mysql.before-checkpoint', 'mysql.before-commit']);
  });

  it('names the planned points no adapter took', () => {
    const failpoints = new Failpoints(plan('mysql.before-commit=kill;kafka.before-offset-commit=kill'));
    failpoints.hook('mysql.before-commit');
    failpoints.hook('postgres.before-commit');

    expect(failpoints.unclaimed()).toEqual(['kafka.before-offset-commit']);
  });
});

describe('FailpointSource', () => {
  it('passes the failpoint before each acknowledge and stops there when it fires', async () => {
    const memory = new MemorySource({ partitions: new Map([[0, ['a', 'b']]]) });
    const failpoints = new Failpoints(plan('kafka.before-offset-commit=kill@2'), {
      kill: () => {
        throw new Killed();
      },
    });
    const hook = failpoints.hook('kafka.before-offset-commit');
    if (hook === undefined) throw new Error('no hook');
    const source = new FailpointSource(memory, hook);

    await source.open(new Map());
    expect((await source.poll(10, 0)).records.map((r) => r.value)).toEqual(['a', 'b']);
    await source.acknowledge(new Map([[0, 1]]));
    await expect(source.acknowledge(new Map([[0, 2]]))).rejects.toBeInstanceOf(Killed);

    expect(memory.acknowledged).toEqual([new Map([[0, 1]])]);
    expect(source.seek).toBeDefined();
  });
});
