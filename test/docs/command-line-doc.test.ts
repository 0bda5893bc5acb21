import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { COMMANDS, flagsOf } from '../../src/cli/parser';
import {
  brokenLinks,
  documentedFlags,
  flagDifferences,
  headingAnchors,
  missingPaths,
  npmScriptsNamed,
} from './doc-checks';

const ROOT = resolve(__dirname, '..', '..');
const DOC = join(ROOT, 'docs', 'command-line.md');

function cliFlags(): Map<string, Set<string>> {
  return new Map(COMMANDS.map((c) => [c, new Set(flagsOf(c).keys())]));
}

function markdownFiles(): string[] {
  const docs = join(ROOT, 'docs');
  return [
    join(ROOT, 'README.md'),
    ...readdirSync(docs)
      .filter((f) => f.endsWith('.md'))
      .map((f) => join(docs, f)),
  ];
}

function packageScripts(): Set<string> {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  return new Set(Object.keys(pkg.scripts ?? {}));
}

describe('docs/command-line.md', () => {
  it('lists every flag of every command, and no flag a command lacks', () => {
    const doc = documentedFlags(readFileSync(DOC, 'utf8'), COMMANDS);
    expect(doc.problems).toEqual([]);
    expect(flagDifferences(doc.flags, cliFlags())).toEqual([]);
  });

  it('has a section for each command', () => {
    const doc = documentedFlags(readFileSync(DOC, 'utf8'), COMMANDS);
    expect([...doc.flags].filter(([, flags]) => flags.size === 0).map(([c]) => c)).toEqual([]);
  });
});

describe('the flag comparison', () => {
  const made = [
    '## Flags',
    '### test, prod: engine flags',
    '| flag | default | variable | meaning |',
    '|---|---|---|---|',
    '| `--window` | job | `HEXSTREAM_WINDOW` | window length |',
    '### prod',
    '| `--topic` | orders | `HEXSTREAM_TOPIC` | input topic |',
    '| `--colour` | red | `HEXSTREAM_COLOUR` | not a flag |',
    '## Exit codes',
    '| `--brokers` | x | `HEXSTREAM_BROKERS` | outside the flag sections: not read |',
  ].join('\n');
  const cli = new Map([
    ['test', new Set(['window', 'input'])],
    ['prod', new Set(['window', 'topic'])],
  ]);

  it('reads the commands of each section and the flags of its table', () => {
    const doc = documentedFlags(made, ['test', 'prod']);
    expect(doc.problems).toEqual([]);
    expect([...doc.flags].map(([c, f]) => [c, [...f].sort()])).toEqual([
      ['test', ['window']],
      ['prod', ['colour', 'topic', 'window']],
    ]);
  });

  it('names a flag missing from the doc and a documented flag the CLI lacks', () => {
    expect(flagDifferences(documentedFlags(made, ['test', 'prod']).flags, cli)).toEqual([
      'test: the CLI has --input, which docs/command-line.md does not list',
      'prod: docs/command-line.md lists --colour, which the CLI does not have',
    ]);
  });

  it('names a wrong variable, a repeated flag and a section without a command', () => {
    const bad = [
      '## Flags',
      '### test',
      '| `--max-drift` | 1m | `HEXSTREAM_MAXDRIFT` | … |',
      '| `--max-drift` | 1m | `HEXSTREAM_MAX_DRIFT` | … |',
      '### tset',
      '| `--job` | orders | `HEXSTREAM_JOB` | … |',
    ].join('\n');
    expect(documentedFlags(bad, ['test']).problems).toEqual([
      '--max-drift: variable column says `HEXSTREAM_MAXDRIFT`, not `HEXSTREAM_MAX_DRIFT`',
      'test: --max-drift is listed twice',
      'section "### tset" names no command tset',
      "--job is listed outside a command's section",
    ]);
  });
});

describe('docs/architecture.md', () => {
  const rows = (): string[] =>
    readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('| '));

  it('has a row for every port file', () => {
    const ports = readdirSync(join(ROOT, 'src', 'ports')).filter((f) => f.endsWith('.port.ts'));
    expect(ports.filter((f) => !rows().some((row) => row.includes(`| \`src/ports/${f}\` |`)))).toEqual([]);
  });

  it('has a row for every adapter folder', () => {
    const folders = readdirSync(join(ROOT, 'src', 'adapters'), { withFileTypes: true }).filter((d) => d.isDirectory());
    const named = (name: string): boolean => rows().some((row) => row.startsWith(`| \`src/adapters/${name}\` |`));
    expect(folders.map((d) => d.name).filter((name) => !named(name))).toEqual([]);
  });
});

describe('links in README.md and docs/', () => {
  it('point to files and headings that exist', () => {
    expect(markdownFiles().flatMap((f) => brokenLinks(f, ROOT))).toEqual([]);
  });

  it('anchors follow GitHub: punctuation dropped, spaces as hyphens, repeats numbered', () => {
    const anchors = headingAnchors(
      '# Prod: Kafka → Kafka, exactly once\n## `--at-end`: keep or flush\n## Notes\n## Notes',
    );
    expect([...anchors]).toEqual(['prod-kafka--kafka-exactly-once', '--at-end-keep-or-flush', 'notes', 'notes-1']);
  });

  it('name source, test and script paths that exist', () => {
    const missing = markdownFiles().flatMap((f) =>
      missingPaths(readFileSync(f, 'utf8'), ROOT).map((p) => `${f.slice(ROOT.length + 1)}: ${p}`),
    );
    expect(missing).toEqual([]);
  });

  it('a path check names a path that is not there', () => {
    expect(
      missingPaths('see `src/cli/parser.ts` and `src/cli/no-such.ts`, not `src/domain/jobs/*.job.ts`', ROOT),
    ).toEqual(['src/cli/no-such.ts']);
  });

  it('names the npm scripts package.json has', () => {
    const scripts = packageScripts();
    const named = new Set(markdownFiles().flatMap((f) => [...npmScriptsNamed(readFileSync(f, 'utf8'))]));
    expect([...named].filter((s) => !scripts.has(s))).toEqual([]);
  });
});
