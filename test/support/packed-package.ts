import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository: the package that is packed. */
export const REPO = resolve(__dirname, '..', '..');

interface PackageJson {
  readonly name: string;
  readonly version: string;
  readonly dependencies: Readonly<Record<string, string>>;
  readonly bin: Readonly<Record<string, string>>;
  readonly engines: Readonly<Record<string, string>>;
}

interface LockEntry {
  readonly version?: string;
  readonly resolved?: string;
  readonly dev?: boolean;
  readonly devOptional?: boolean;
}

/** What `npm pack` made: the tarball and the paths it holds. */
export interface PackedTarball {
  readonly tarball: string;
  readonly files: readonly string[];
}

/** A folder outside the repository with the packed package installed, as a user's project. */
export interface UserProject {
  readonly folder: string;
  /** The installed CLI: `node <folder>/node_modules/hexstream/dist/main.js`. */
  readonly cli: string;
}

/** Files a user's install needs: the library and its types, the harness, the CLI, the samples. */
const REQUIRED = [
  'package.json',
  'README.md',
  'dist/index.js',
  'dist/index.d.ts',
  'dist/testing.js',
  'dist/testing.d.ts',
  'dist/main.js',
  'samples/orders.jsonl',
];

/** Paths that have no place in the package: sources, tests, caches, build outputs of other configs. */
const FORBIDDEN =
  /^(src|test|bench|scripts|examples|\.cache|out|coverage|node_modules)\/|\.ts$(?<!\.d\.ts)|\.map$|^dist\/(src|test)\//;

function run(command: string, args: readonly string[], cwd: string): string {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error !== undefined) throw new Error(`${command} ${args.join(' ')} could not start: ${r.error.message}`);
  if (r.status !== 0)
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${String(r.status)}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** What is wrong with a package's file list: a required file missing, a file that does not belong. */
export function packProblems(files: readonly string[]): string[] {
  const missing = REQUIRED.filter((f) => !files.includes(f)).map((f) => `missing ${f}`);
  const extra = files.filter((f) => FORBIDDEN.test(f)).map((f) => `should not hold ${f}`);
  return [...missing, ...extra];
}

/**
 * `npm pack` of the built repository (dist/ must be current: `npm run build`) into `into`; fails
 * when the package lacks a file a user needs or holds one it should not.
 */
export function packRepository(into: string): PackedTarball {
  const out = run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', into], REPO);
  const [packed] = JSON.parse(out) as Array<{ filename: string; files: Array<{ path: string }> }>;
  if (packed === undefined) throw new Error(`npm pack printed no package: ${out}`);
  const files = packed.files.map((f) => f.path);
  const problems = packProblems(files);
  if (problems.length > 0) throw new Error(`the package is not right: ${problems.join('; ')}`);
  return { tarball: join(into, packed.filename), files };
}

/**
 * Where a locked package's tarball is: `<registry>/<name>/-/<name without scope>-<version>.tgz`,
 * the address `npm ci` fetched it from and keeps it under in the npm cache.
 */
function tarballUrl(registry: string, path: string, version: string): string {
  const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
  return `${registry.replace(/\/?$/, '/')}${name}/-/${name.slice(name.indexOf('/') + 1)}-${version}.tgz`;
}

/**
 * The lockfile of a project that depends on the tarball only: the tarball's own entry, and the
 * production packages of the repository's package-lock.json at the same places, each with its
 * tarball's address on `registry`. `npm ci` fills the npm cache with tarballs but not always with
 * the registry's metadata, so an offline `npm install <tgz>` may fail to resolve a version range
 * (ENOTCACHED); with this lockfile nothing needs resolving nor any metadata, and the project gets
 * exactly the versions the repository is tested with.
 */
export function userLockfile(
  name: string,
  tarballSpec: string,
  tarball: Buffer,
  registry: string,
): Record<string, unknown> {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as PackageJson;
  const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const production = Object.entries(lock.packages)
    .filter(([path, e]) => path !== '' && !e.dev && !e.devOptional)
    .map(([path, e]) => [
      path,
      e.resolved !== undefined || e.version === undefined
        ? e
        : { ...e, resolved: tarballUrl(registry, path, e.version) },
    ]);
  return {
    name,
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name, dependencies: { [pkg.name]: tarballSpec } },
      [`node_modules/${pkg.name}`]: {
        version: pkg.version,
        resolved: tarballSpec,
        integrity: `sha512-${createHash('sha512').update(tarball).digest('base64')}`,
        dependencies: pkg.dependencies,
        bin: pkg.bin,
        engines: pkg.engines,
      },
      ...Object.fromEntries(production),
    },
  };
}

/** Installs the tarball into `folder` (created if absent) as a user's project would, offline. */
export function installTarball(tarball: string, folder: string): UserProject {
  mkdirSync(folder, { recursive: true });
  const name = 'hexstream-user-project';
  const spec = `file:${tarball}`;
  writeFileSync(
    join(folder, 'package.json'),
    `${JSON.stringify({ name, private: true, dependencies: { hexstream: spec } }, null, 2)}\n`,
  );
  writeFileSync(
    join(folder, 'package-lock.json'),
    `${JSON.stringify(userLockfile(name, spec, readFileSync(tarball), run('npm', ['config', 'get', 'registry'], folder).trim()), null, 2)}\n`,
  );
  run('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel', 'error'], folder);
  return { folder, cli: join(folder, 'node_modules', 'hexstream', 'dist', 'main.js') };
}

/** Packs the repository and installs it into a new folder under the system's temporary folder. */
export function packedProject(prefix = 'hexstream-user-'): UserProject {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  const { tarball } = packRepository(folder);
  return installTarball(tarball, join(folder, 'project'));
}
