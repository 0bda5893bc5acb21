/**
 * `npm run test:examples`: the user's side of the package. Packs the built repository, installs the
 * tarball into a new folder outside it (offline, as a user's project), copies examples/ in, has the
 * installed CLI write a TypeScript and a YAML job with `new-job`, then type-checks all of them
 * against the installed package's types and runs their tests with jest — so every
 * `import … from 'hexstream'` resolves to the installed package, never to src/. Any failure exits 1
 * and keeps the folder for a look.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packedProject, REPO, type UserProject } from '../test/support/packed-package';

/** Folders of the project whose tests run: the examples, and what `new-job` writes. */
const SOURCES = ['examples', 'scaffolds'];

function step(what: string, command: string, args: readonly string[], cwd: string): void {
  process.stdout.write(`test-examples: ${what}\n`);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HEXSTREAM_')));
  const r = spawnSync(command, args, { cwd, stdio: 'inherit', env });
  if (r.status !== 0)
    throw new Error(`${what} failed (${command} ${args.join(' ')} exited ${String(r.status ?? r.signal)})`);
}

/** A user's tsconfig: strict, CommonJS, resolving modules as `moduleResolution` says. */
function writeTsconfig(project: UserProject, file: string, resolution: 'node10' | 'node16'): void {
  const compilerOptions = {
    target: 'ES2022',
    module: resolution === 'node16' ? 'node16' : 'commonjs',
    moduleResolution: resolution,
    strict: true,
    esModuleInterop: true,
    isolatedModules: true,
    noEmit: true,
    types: ['node', 'jest'],
    // jest's and node's types come from the repository: the project installs only hexstream.
    typeRoots: [join(REPO, 'node_modules', '@types')],
  };
  writeFileSync(join(project.folder, file), `${JSON.stringify({ compilerOptions, include: SOURCES }, null, 2)}\n`);
}

/** jest, ts-jest and the node environment are the repository's; everything else resolves in the project. */
function writeJestConfig(project: UserProject): void {
  const config = {
    rootDir: project.folder,
    testEnvironment: require.resolve('jest-environment-node', { paths: [REPO] }),
    testMatch: SOURCES.map((s) => `<rootDir>/${s}/**/*.test.ts`),
    transform: {
      '^.+\\.ts$': [require.resolve('ts-jest', { paths: [REPO] }), { tsconfig: join(project.folder, 'tsconfig.json') }],
    },
  };
  writeFileSync(join(project.folder, 'jest.config.json'), `${JSON.stringify(config, null, 2)}\n`);
}

function testExamples(): void {
  process.stdout.write('test-examples: packing the repository and installing it into a new folder\n');
  const project = packedProject('hexstream-examples-');
  const { folder } = project;
  try {
    cpSync(join(REPO, 'examples'), join(folder, 'examples'), { recursive: true });
    const newJob = (args: readonly string[]): void =>
      step(`hexstream new-job ${args.join(' ')}`, process.execPath, [project.cli, 'new-job', ...args], folder);
    newJob(['page-views', '--dir', 'scaffolds']);
    newJob(['page-views-yaml', '--dir', 'scaffolds', '--yaml']);
    // Asked from a process in the project: a require from this script would resolve 'hexstream' to the repository itself.
    const resolved = spawnSync(process.execPath, ['-p', "require.resolve('hexstream')"], {
      cwd: join(folder, 'examples'),
      encoding: 'utf8',
    }).stdout.trim();
    if (!resolved.startsWith(join(folder, 'node_modules', 'hexstream')))
      throw new Error(`'hexstream' resolves to ${resolved}, not to the installed package`);
    const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
    for (const resolution of ['node10', 'node16'] as const) {
      writeTsconfig(project, `tsconfig.${resolution}.json`, resolution);
      step(
        `type-check (moduleResolution ${resolution})`,
        process.execPath,
        [tsc, '-p', `tsconfig.${resolution}.json`],
        folder,
      );
    }
    writeTsconfig(project, 'tsconfig.json', 'node10');
    writeJestConfig(project);
    const jest = join(REPO, 'node_modules', 'jest', 'bin', 'jest.js');
    step('jest', process.execPath, [jest, '--config', 'jest.config.json', '--ci', '--maxWorkers=2'], folder);
  } catch (e) {
    process.stderr.write(
      `test-examples: ${e instanceof Error ? e.message : String(e)}; the project is kept in ${folder}\n`,
    );
    process.exitCode = 1;
    return;
  }
  rmSync(join(folder, '..'), { recursive: true, force: true });
  process.stdout.write('test-examples: passed\n');
}

try {
  testExamples();
} catch (e) {
  process.stderr.write(`test-examples: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
}
