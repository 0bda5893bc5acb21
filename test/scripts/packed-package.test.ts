import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packProblems, REPO, userLockfile } from '../support/packed-package';

const PACKAGE = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  version: string;
  main: string;
  types: string;
  bin: Record<string, string>;
  files: string[];
  exports: Record<string, unknown>;
  engines: { node: string };
  dependencies: Record<string, string>;
};

describe('the package a user installs', () => {
  it('exports the library and its harness, typed, from the build of src/index.ts and src/testing.ts', () => {
    expect(PACKAGE.exports).toEqual({
      '.': { types: './dist/index.d.ts', require: './dist/index.js', default: './dist/index.js' },
      './testing': { types: './dist/testing.d.ts', require: './dist/testing.js', default: './dist/testing.js' },
      './package.json': './package.json',
    });
    expect([PACKAGE.main, PACKAGE.types, PACKAGE.bin['hexstream']]).toEqual([
      'dist/index.js',
      'dist/index.d.ts',
      'dist/main.js',
    ]);
    for (const source of ['src/index.ts', 'src/testing.ts', 'src/main.ts'])
      expect(readFileSync(join(REPO, source), 'utf8')).not.toBe('');
  });

  it('names what is wrong with a file list: a required file missing, sources, tests, caches, maps', () => {
    expect(
      packProblems([
        'package.json',
        'README.md',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/testing.d.ts',
        'dist/main.js',
        'dist/main.js.map',
        'dist/test/cli/x.test.js',
        'samples/orders.jsonl',
        'src/main.ts',
        'test/support/x.ts',
        '.cache/bench-build/bench.js',
      ]),
    ).toEqual([
      'missing dist/testing.js',
      'should not hold dist/main.js.map',
      'should not hold dist/test/cli/x.test.js',
      'should not hold src/main.ts',
      'should not hold test/support/x.ts',
      'should not hold .cache/bench-build/bench.js',
    ]);
  });
});

describe("a user project's lockfile", () => {
  const tarball = Buffer.from('not really a tarball');
  const lock = userLockfile('app', 'file:/tmp/hexstream.tgz', tarball, 'https://registry.example/npm') as {
    packages: Record<
      string,
      { version?: string; resolved?: string; integrity?: string; dev?: boolean; dependencies?: unknown }
    >;
  };

  it('pins the tarball by its sha512, with the dependencies package.json declares', () => {
    expect(lock.packages['node_modules/hexstream']).toEqual({
      version: PACKAGE.version,
      resolved: 'file:/tmp/hexstream.tgz',
      integrity: `sha512-${createHash('sha512').update(tarball).digest('base64')}`,
      dependencies: PACKAGE.dependencies,
      bin: PACKAGE.bin,
      engines: PACKAGE.engines,
    });
    expect(lock.packages['']).toEqual({ name: 'app', dependencies: { hexstream: 'file:/tmp/hexstream.tgz' } });
  });

  it('holds every run-time dependency at the version the repository locks, and no dev dependency', () => {
    const repoLock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version: string }>;
    };
    for (const name of Object.keys(PACKAGE.dependencies))
      expect(lock.packages[`node_modules/${name}`]?.version).toBe(repoLock.packages[`node_modules/${name}`]?.version);
    for (const dev of ['jest', 'eslint', 'ts-jest', 'fast-check'])
      expect(lock.packages[`node_modules/${dev}`]).toBeUndefined();
    expect(Object.values(lock.packages).filter((p) => p.dev === true)).toEqual([]);
  });

  it("gives each locked package its tarball's address on the registry, scoped names included", () => {
    const versionOf = (path: string): string => lock.packages[path]?.version ?? 'none';
    expect(lock.packages['node_modules/kafkajs']?.resolved).toBe(
      `https://registry.example/npm/kafkajs/-/kafkajs-${versionOf('node_modules/kafkajs')}.tgz`,
    );
    expect(lock.packages['node_modules/@inversifyjs/core']?.resolved).toBe(
      `https://registry.example/npm/@inversifyjs/core/-/core-${versionOf('node_modules/@inversifyjs/core')}.tgz`,
    );
    expect(Object.entries(lock.packages).filter(([path, p]) => path !== '' && p.resolved === undefined)).toEqual([]);
  });
});
