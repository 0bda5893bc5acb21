import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommonJsModules } from '../../../src/adapters/job-files/commonjs-modules';
import { exportedJob } from '../../../src/adapters/job-files/exported-job';
import { initialize, resolve } from '../../../src/adapters/job-files/hexstream-resolve.hooks';
import { isJobFilePath } from '../../../src/adapters/job-files/job-file-kind';
import { isEsmPackage } from '../../../src/adapters/job-files/package-type';
import { mappedStack, stackLine } from '../../../src/adapters/job-files/source-lines';
import { SyntaxProblem } from '../../../src/adapters/job-files/syntax-problem';
import { testJob as eventJob } from '../../support/event-job';

describe('which --job values are files', () => {
  it.each([
    ['./my-job.ts', true],
    ['jobs/wages', true],
    ['wages.yaml', true],
    ['wages.YML', true],
    ['a.json', true],
    ['a.mjs', true],
    ['a.cjs', true],
    ['a.js', true],
    ['orders', false],
    ['stock-averages', false],
    ['price.stats', false],
  ])('%s → %s', (value, file) => {
    expect(isJobFilePath(value)).toBe(file);
  });
});

describe('the job a module exports', () => {
  const job = eventJob();
  const other = { ...eventJob(), name: 'other' };

  it('takes default, then job, then the only job exported, also behind one more default', () => {
    expect(exportedJob({ default: job, job: other })).toEqual({ ok: true, job });
    expect(exportedJob({ job, helper: 1 })).toEqual({ ok: true, job });
    expect(exportedJob({ wages: job, limit: 3 })).toEqual({ ok: true, job });
    expect(exportedJob(job)).toEqual({ ok: true, job });
    expect(exportedJob({ default: { __esModule: true, job } })).toEqual({ ok: true, job });
    expect(exportedJob({ a: job, b: job })).toEqual({ ok: true, job });
  });

  it('says what it exports when none or several are jobs', () => {
    expect(exportedJob({ a: job, b: other })).toEqual({
      ok: false,
      message: 'exports several jobs (a, b): export the one to run as default or as "job"',
    });
    expect(exportedJob({ __esModule: true, spec: { name: 'x' } })).toEqual({
      ok: false,
      message: 'exports no job: export the result of defineJob(…) as default or as "job" (it exports spec)',
    });
    expect(exportedJob({})).toEqual({
      ok: false,
      message: 'exports no job: export the result of defineJob(…) as default or as "job" (it exports nothing)',
    });
  });
});

describe('TypeScript and CommonJS job modules', () => {
  let dir: string;
  const write = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hexstream-modules-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('transpiles TypeScript and its relative imports of .ts (also named .js) and CommonJS files, once each', () => {
    write('rate.ts', 'export let loads = 0;\nloads++;\nexport const rate: number = 2;\n');
    write('unit.cjs', "module.exports = { unit: 'ms' };\n");
    write('both.ts', "import { rate } from './rate.js';\nexport const twice: number = rate * 2;\n");
    const main = write(
      'main.ts',
      "import { rate, loads } from './rate';\nimport { twice } from './both';\nimport { unit } from './unit.cjs';\n" +
        'interface Out { value: string }\nconst out: Out = { value: `${rate}/${twice}/${unit}` };\nexport default out;\nexport { loads };\n',
    );
    expect(new CommonJsModules(new Map()).load(main)).toEqual({ default: { value: '2/4/ms' }, loads: 1 });
  });

  it("points 'hexstream' at the library file it is given", () => {
    const library = write('library.cjs', 'module.exports = { marker: 42 };\n');
    const main = write('main.ts', "import { marker } from 'hexstream';\nexport const seen = marker;\n");
    expect(new CommonJsModules(new Map([['hexstream', library]])).load(main)).toEqual({ seen: 42 });
  });

  it('names the file and line of a syntax error, in the job file or in a file it imports', () => {
    write('helper.ts', 'export const a = 1;\nexport const b = ;\n');
    const main = write('main.ts', "import { a } from './helper';\nexport const c = a;\n");
    const plain = write('plain.cjs', 'const a = 1;\n\nconst b = ;\n');
    const thrown = (file: string): unknown => {
      try {
        new CommonJsModules(new Map()).load(file);
      } catch (e) {
        return e;
      }
      return undefined;
    };
    const ts = thrown(main);
    expect(ts).toBeInstanceOf(SyntaxProblem);
    expect(ts).toMatchObject({ file: join(dir, 'helper.ts'), line: 2, message: 'Expression expected.' });
    expect(thrown(plain)).toMatchObject({ file: plain, line: 3, message: "Unexpected token ';'" });
  });

  it('maps a line of the transpiled code back to the TypeScript line it came from', () => {
    const main = write(
      'main.ts',
      "import type { Job } from './types';\n\ninterface Limits {\n  readonly max: number;\n}\nconst limits: Limits = { max: 1 };\n\nexport const fails = (): never => {\n  throw new Error(String(limits.max));\n};\n",
    );
    const modules = new CommonJsModules(new Map());
    const { fails } = modules.load(main) as { fails: () => never };
    let thrown: unknown;
    try {
      fails();
    } catch (e) {
      thrown = e;
    }
    // The module runs in Node's own realm, not the test's: its Error is not this realm's `Error`.
    const stack = String((thrown as { stack?: unknown }).stack);
    const generated = stackLine(stack, main, `file://${main}`) ?? NaN;
    expect(generated).not.toBe(9);
    const column = Number(new RegExp(`${main}:${generated}:(\\d+)`).exec(stack)?.[1]);
    // The error is made (`new Error`, where V8 places it) at column 9 of line 9 of main.ts as written.
    expect(modules.sourcePosition(main, { line: generated, column })).toEqual({ line: 9, column: 9 });
    expect(
      stackLine(
        mappedStack(stack, (f, at) => modules.sourcePosition(f, at)),
        main,
        '',
      ),
    ).toBe(9);
  });

  it('decides whether a .js file is an ES module by the nearest package.json', () => {
    mkdirSync(join(dir, 'esm', 'inner'), { recursive: true });
    writeFileSync(join(dir, 'esm', 'package.json'), '{"type": "module"}');
    writeFileSync(join(dir, 'package.json'), '{"name": "x"}');
    expect(isEsmPackage(join(dir, 'esm', 'inner', 'job.js'))).toBe(true);
    expect(isEsmPackage(join(dir, 'job.js'))).toBe(false);
  });
});

describe('the module hooks of ES module job files', () => {
  it("resolve 'hexstream' and its subpaths to the running hexstream's files, everything else as before", async () => {
    initialize({
      modules: {
        hexstream: 'file:///opt/hexstream/dist/index.js',
        'hexstream/testing': 'file:///opt/hexstream/dist/testing.js',
      },
    });
    const next = (specifier: string): { url: string } => ({ url: `next:${specifier}` });
    expect(await resolve('hexstream', {}, next)).toEqual({
      url: 'file:///opt/hexstream/dist/index.js',
      shortCircuit: true,
    });
    expect(await resolve('hexstream/testing', {}, next)).toEqual({
      url: 'file:///opt/hexstream/dist/testing.js',
      shortCircuit: true,
    });
    expect(await resolve('hexstream-extra', {}, next)).toEqual({ url: 'next:hexstream-extra' });
    expect(await resolve('./helper.mjs', {}, next)).toEqual({ url: 'next:./helper.mjs' });
  });
});
