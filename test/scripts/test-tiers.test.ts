import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { propertyRuns } from '../support/property-runs';

const ROOT = resolve(__dirname, '..', '..');

interface ProjectShape {
  readonly displayName: string;
  readonly testMatch: readonly string[];
  readonly globalSetup?: string;
  readonly globalTeardown?: string;
  readonly setupFilesAfterEnv?: readonly string[];
}

/** jest.config.js as jest reads it, loaded in a plain node process (it is CommonJS, outside the TypeScript build). */
function jestProjects(): ProjectShape[] {
  const json = execFileSync(
    process.execPath,
    ['-e', 'process.stdout.write(JSON.stringify(require("./jest.config.js")))'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  return (JSON.parse(json) as { projects: ProjectShape[] }).projects;
}

/** A path of the config (absolute, or `<rootDir>/…`) relative to the repository. */
function repoPath(path: string): string {
  return path.startsWith('<rootDir>/') ? path.slice('<rootDir>/'.length) : relative(ROOT, path);
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.ts') ? [relative(ROOT, path)] : [];
  });
}

/** The test helpers that reach a service or run the built CLI. */
const SERVICE_HELPERS =
  /^import (?!type )[^;]*? from '[./]*\/(support\/(kafka-topics|kafka-read|kafka-broker|mariadb|own-mariadb|postgres|run-cli|spawn-cli|soak)|global-setup)';$/m;

describe('test tiers (jest projects)', () => {
  const projects = jestProjects();
  const tierOf = new Map<string, string[]>();
  for (const p of projects)
    for (const file of p.testMatch.map(repoPath)) tierOf.set(file, [...(tierOf.get(file) ?? []), p.displayName]);

  it('are unit, integration, e2e and soak, in that order', () => {
    expect(projects.map((p) => p.displayName)).toEqual(['unit', 'integration', 'e2e', 'soak']);
  });

  it('hold every test file, each in exactly one tier', () => {
    const files = testFiles(join(ROOT, 'test'));
    expect(files.length).toBeGreaterThan(90);
    expect(files.filter((f) => tierOf.get(f)?.length !== 1)).toEqual([]);
    expect([...tierOf.keys()].sort()).toEqual([...files].sort());
  });

  it('give the unit tier no file that imports a helper reaching a service or the built CLI', () => {
    const unit = [...tierOf].filter(([, tiers]) => tiers[0] === 'unit').map(([file]) => file);
    expect(unit.length).toBeGreaterThan(50);
    expect(unit.filter((file) => SERVICE_HELPERS.test(readFileSync(join(ROOT, file), 'utf8')))).toEqual([]);
  });

  it('classify by path: soak folder, *.e2e.test.ts, *.int.test.ts, the service adapters by the helpers they import', () => {
    expect(
      Object.fromEntries(
        [
          'test/soak/streaming-reference.test.ts',
          'test/cli/prod.e2e.test.ts',
          'test/scripts/kafka-script.int.test.ts',
          'test/adapters/kafka/kafka-source.test.ts',
          'test/adapters/postgres/postgres-sink.test.ts',
          'test/adapters/mysql/mysql-pool.test.ts',
          'test/adapters/kafka/dead-letter-message.test.ts',
          'test/adapters/mysql/mysql-rows.test.ts',
          'test/domain/pipeline/crash-recovery.test.ts',
        ].map((f) => [f, tierOf.get(f)?.[0]]),
      ),
    ).toEqual({
      'test/soak/streaming-reference.test.ts': 'soak',
      'test/cli/prod.e2e.test.ts': 'e2e',
      'test/scripts/kafka-script.int.test.ts': 'integration',
      'test/adapters/kafka/kafka-source.test.ts': 'integration',
      'test/adapters/postgres/postgres-sink.test.ts': 'integration',
      'test/adapters/mysql/mysql-pool.test.ts': 'integration',
      'test/adapters/kafka/dead-letter-message.test.ts': 'unit',
      'test/adapters/mysql/mysql-rows.test.ts': 'unit',
      'test/domain/pipeline/crash-recovery.test.ts': 'unit',
    });
  });

  it('start services only for the tiers that need them: one shared setup, none for unit', () => {
    expect(
      projects.map((p) => ({
        tier: p.displayName,
        setup: p.globalSetup === undefined ? undefined : repoPath(p.globalSetup),
        teardown: p.globalTeardown === undefined ? undefined : repoPath(p.globalTeardown),
        perFile: (p.setupFilesAfterEnv ?? []).map(repoPath),
      })),
    ).toEqual([
      { tier: 'unit', setup: undefined, teardown: undefined, perFile: ['test/unit-setup.ts'] },
      ...['integration', 'e2e', 'soak'].map((tier) => ({
        tier,
        setup: 'test/global-setup.ts',
        teardown: 'test/global-teardown.ts',
        perFile: [],
      })),
    ]);
  });
});

describe('npm scripts', () => {
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
    .scripts;

  it('npm test checks, builds and runs every tier, unit first on all cores, properties at their full counts, then the examples through the packed package', () => {
    expect(scripts['test']?.split(' && ')).toEqual([
      'npm run lint',
      'npm run lint:deps',
      'npm run format:check',
      'npm run build',
      'npm run typecheck',
      'HEXSTREAM_PROPERTY_RUNS=full jest --selectProjects unit --maxWorkers=100%',
      'HEXSTREAM_PROPERTY_RUNS=full jest --selectProjects integration e2e soak',
      'npm run test:examples',
    ]);
  });

  it('run one tier each; the tiers that spawn the CLI build it first', () => {
    expect({
      unit: scripts['test:unit'],
      integration: scripts['test:integration'],
      e2e: scripts['test:e2e'],
      soak: scripts['test:soak'],
      examples: scripts['test:examples'],
    }).toEqual({
      unit: 'jest --selectProjects unit --maxWorkers=100%',
      integration: 'jest --selectProjects integration --no-watchman',
      e2e: 'npm run build && jest --selectProjects e2e --no-watchman',
      soak: 'npm run build && jest --selectProjects soak --no-watchman',
      examples: 'npm run build && node -r ./test/support/ts-register.cjs scripts/test-examples.ts',
    });
  });
});

describe('propertyRuns (HEXSTREAM_PROPERTY_RUNS)', () => {
  const saved = process.env['HEXSTREAM_PROPERTY_RUNS'];
  afterEach(() => {
    if (saved === undefined) delete process.env['HEXSTREAM_PROPERTY_RUNS'];
    else process.env['HEXSTREAM_PROPERTY_RUNS'] = saved;
  });

  const counts = (): number[] => [propertyRuns(2_000), propertyRuns(25), propertyRuns(40, 2), propertyRuns(3, 5)];

  it('runs the written counts when full', () => {
    process.env['HEXSTREAM_PROPERTY_RUNS'] = 'full';
    expect(counts()).toEqual([2_000, 25, 40, 3]);
  });

  it('runs a tenth (rounded up), or the quick count named, when quick or unset', () => {
    process.env['HEXSTREAM_PROPERTY_RUNS'] = 'quick';
    expect(counts()).toEqual([200, 3, 2, 3]);
    delete process.env['HEXSTREAM_PROPERTY_RUNS'];
    expect(counts()).toEqual([200, 3, 2, 3]);
  });

  it('refuses another value, naming the variable', () => {
    process.env['HEXSTREAM_PROPERTY_RUNS'] = 'fast';
    expect(() => propertyRuns(10)).toThrow('HEXSTREAM_PROPERTY_RUNS=fast: expected quick or full');
  });
});
