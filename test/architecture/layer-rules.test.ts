import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/**
 * The layer and lint rules must be able to fail. A throw-away project gets the repository's
 * configs, its node_modules (linked) and a handful of files that each break one rule; the tools
 * run on it as `npm run lint` / `lint:deps` run them, and each break must come back under its
 * rule's name. The real tree must pass the layer rules, with no stale listed exception.
 */

const root = resolve(__dirname, '..', '..');
const ESLINT = join(root, 'node_modules', 'eslint', 'bin', 'eslint.js');
const DEPCRUISE = join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

interface DepViolation {
  from: string;
  to: string;
  rule: { name: string };
}
interface DepModule {
  source: string;
  dependencies: { resolved: string }[];
}
interface DepResult {
  modules: DepModule[];
  summary: { violations: DepViolation[] };
}
interface LintFile {
  filePath: string;
  messages: { ruleId: string | null; severity: number }[];
}
interface ListedException {
  rule: string;
  from: string;
  to: string[];
}

const files: Record<string, string> = {
  'src/domain/records.ts': 'export interface Rec {\n  readonly n: number;\n}\n',
  'src/domain/uses-adapter.ts': "import { shared } from '../adapters/kafka/kafka-thing';\n\nexport const x = shared;\n",
  'src/domain/reads-files.ts': "import { readFileSync } from 'node:fs';\n\nexport const read = readFileSync;\n",
  'src/domain/uses-driver.ts': "import { Kafka } from 'kafkajs';\n\nexport const K = Kafka;\n",
  'src/domain/port-at-run-time.ts':
    "import { LoggerPort } from '../ports/logger.port';\n\nexport const token = LoggerPort;\n",
  'src/domain/port-as-type.ts':
    "import type { LoggerPort } from '../ports/logger.port';\n\nexport function quiet(l: LoggerPort): void {\n  l.info('x');\n}\n",
  'src/domain/cycle-a.ts': "import { b } from './cycle-b';\n\nexport const a = (): number => b() + 1;\n",
  'src/domain/cycle-b.ts': "import { a } from './cycle-a';\n\nexport const b = (): number => (a.length > 1 ? 0 : 1);\n",
  'src/ports/logger.port.ts':
    "import { injectable } from 'inversify';\n\nexport interface LoggerPort {\n  info(m: string): void;\n}\nexport const LoggerPort = Symbol.for('LoggerPort');\nexport const decorate = injectable;\n",
  'src/domain/limits.ts': 'export const MAX = 3;\n',
  'src/ports/sized.port.ts': "import { MAX } from '../domain/limits';\n\nexport const SIZE = MAX;\n",
  'src/adapters/sql/sql-shared.ts': 'export const shared = 1;\n',
  'src/adapters/file/file-thing.ts': 'export const fileThing = 2;\n',
  'src/adapters/kafka/kafka-thing.ts':
    "import { fileThing } from '../file/file-thing';\nimport { shared as sqlShared } from '../sql/sql-shared';\n\nexport const shared = sqlShared + fileThing;\n",
  'src/cli/some.command.ts':
    "import { fileThing } from '../adapters/file/file-thing';\n\nexport const n = fileThing;\n",
  'src/domain/loose.ts': [
    'export function loose(x: any) {',
    '  return x;',
    '}',
    'export function first(xs: number[] | undefined): number {',
    '  return xs![0] ?? 0;',
    '}',
    'async function later(): Promise<void> {',
    '  await Promise.resolve();',
    '}',
    'export function fire(): void {',
    '  later();',
    '  [1, 2].forEach(async () => {',
    '    await later();',
    '  });',
    '}',
    'export function impure(): number {',
    '  console.log(1);',
    '  return Date.now();',
    '}',
    '',
  ].join('\n'),
  'src/adapters/file/long-file.ts': `${Array.from({ length: 301 }, (_, i) => `export const v${i} = ${i};`).join('\n')}\n`,
  'src/adapters/file/long-function.ts': longFunction(),
  'test/long.test.ts': `${longFunction()}${Array.from({ length: 300 }, (_, i) => `export const t${i} = ${i};`).join('\n')}\n`,
};

function longFunction(): string {
  const body = Array.from({ length: 60 }, (_, i) => `  n += ${i};`).join('\n');
  return `export function long(): number {\n  let n = 0;\n${body}\n  return n;\n}\n`;
}

let dir = '';
let lint: LintFile[] = [];
let deps: DepResult;

/** The JSON `script` printed on stdout, run in `cwd` (exit status 1 means: it found violations). */
function runJson<T>(script: string, args: string[], cwd: string): T {
  const r = spawnSync(process.execPath, [script, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`${script} exited ${String(r.status)}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hexstream-layers-'));
  for (const config of ['eslint.config.mjs', '.dependency-cruiser-exceptions.cjs'])
    copyFileSync(join(root, config), join(dir, config));
  copyFileSync(join(root, '.dependency-cruiser.cjs'), join(dir, 'repo.dependency-cruiser.cjs'));
  // node_modules is a link: paths must stay under it to read as the repository's do.
  writeFileSync(
    join(dir, '.dependency-cruiser.cjs'),
    "const base = require('./repo.dependency-cruiser.cjs');\n" +
      'module.exports = { ...base, options: { ...base.options, preserveSymlinks: true } };\n',
  );
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')) as {
    compilerOptions: Record<string, unknown>;
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['src', 'test'] }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  lint = runJson<LintFile[]>(ESLINT, ['src', 'test', '-f', 'json'], dir);
  deps = runJson<DepResult>(DEPCRUISE, ['src', 'test', '--config', '.dependency-cruiser.cjs', '-T', 'json'], dir);
}, 60_000);

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

/** `from → to (rule)` for every layer violation, sorted; a package is named by its folder. */
function layerViolations(result: DepResult): string[] {
  const target = (to: string): string => to.replace(/^(node_modules\/[^/]+)\/.*$/, '$1');
  return result.summary.violations.map((v) => `${v.from} → ${target(v.to)} (${v.rule.name})`).sort();
}

/** `rule W|E` for every lint message of `file`, sorted. */
function lintOf(file: string): string[] {
  const found = lint.find((f) => f.filePath === join(dir, file));
  if (found === undefined) throw new Error(`eslint did not lint ${file}`);
  return found.messages.map((m) => `${m.ruleId ?? '(none)'} ${m.severity === 2 ? 'E' : 'W'}`).sort();
}

describe('layer rules (dependency-cruiser)', () => {
  it('reports each break under its rule and nothing else', () => {
    expect(layerViolations(deps)).toEqual(
      [
        'src/adapters/kafka/kafka-thing.ts → src/adapters/file/file-thing.ts (adapter-not-to-other-adapter)',
        'src/cli/some.command.ts → src/adapters/file/file-thing.ts (cli-not-to-adapters)',
        'src/domain/cycle-a.ts → src/domain/cycle-b.ts (no-circular)',
        'src/domain/port-at-run-time.ts → src/ports/logger.port.ts (domain-ports-as-types)',
        'src/domain/reads-files.ts → fs (domain-no-node-modules)',
        'src/domain/uses-adapter.ts → src/adapters/kafka/kafka-thing.ts (domain-only-domain)',
        'src/domain/uses-driver.ts → node_modules/kafkajs (domain-no-packages)',
        'src/ports/logger.port.ts → node_modules/inversify (ports-inversify-as-type)',
        'src/ports/sized.port.ts → src/domain/limits.ts (ports-domain-as-types)',
      ].sort(),
    );
  });
});

describe('lint rules (eslint)', () => {
  it('refuses any, !, a floating or misused promise, a missing return type and impure domain code', () => {
    expect(lintOf('src/domain/loose.ts')).toEqual(
      [
        '@typescript-eslint/explicit-module-boundary-types E',
        '@typescript-eslint/explicit-module-boundary-types E',
        '@typescript-eslint/no-explicit-any E',
        '@typescript-eslint/no-unsafe-return E',
        '@typescript-eslint/no-non-null-assertion E',
        '@typescript-eslint/no-floating-promises E',
        '@typescript-eslint/no-misused-promises E',
        'no-console E',
        'no-restricted-properties E',
      ].sort(),
    );
  });

  it('warns on a file over 300 lines and a function over 60 lines in src, not in test', () => {
    expect(lintOf('src/adapters/file/long-file.ts')).toEqual(['max-lines W']);
    expect(lintOf('src/adapters/file/long-function.ts')).toEqual(['max-lines-per-function W']);
    expect(lintOf('test/long.test.ts')).toEqual([]);
  });

  it('passes clean files', () => {
    expect(lintOf('src/domain/port-as-type.ts')).toEqual([]);
    expect(lintOf('src/adapters/sql/sql-shared.ts')).toEqual([]);
  });
});

describe('the repository', () => {
  let real: DepResult;
  beforeAll(() => {
    real = runJson<DepResult>(DEPCRUISE, ['src', '--config', '.dependency-cruiser.cjs', '-T', 'json'], root);
  }, 60_000);

  it('keeps the layer rules', () => {
    expect(layerViolations(real)).toEqual([]);
  });

  it('lists no exception that no import needs any more', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the list is a CommonJS config file
    const listed = require(join(root, '.dependency-cruiser-exceptions.cjs')) as ListedException[];
    const stale = listed.flatMap((e) =>
      e.to
        .filter(
          (to) =>
            !real.modules.some(
              (m) => new RegExp(e.from).test(m.source) && m.dependencies.some((d) => new RegExp(to).test(d.resolved)),
            ),
        )
        .map((to) => `${e.from} → ${to}`),
    );
    expect(stale).toEqual([]);
  });
});
