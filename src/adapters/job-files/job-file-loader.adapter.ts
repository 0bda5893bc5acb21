import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyJob } from '../../domain/jobs/job';
import type { JobLoaderPort, LoadedJob } from '../../ports/job-loader.port';
import { CommonJsModules } from './commonjs-modules';
import { importEsm } from './esm-import';
import { dataJob } from './data-job-file';
import { exportedJob } from './exported-job';
import { jobFileError, thrownMessage } from './job-file-error';
import { JOB_FILE_EXTENSIONS, jobFileKind, type JobFileKind } from './job-file-kind';
import { isEsmPackage } from './package-type';
import { mappedStack, stackLine } from './source-lines';
import { isSyntaxError, SyntaxProblem, syntaxProblemOf } from './syntax-problem';
import { transpileTypeScript } from './typescript-transpile';

/**
 * `JobLoaderPort` over files: TypeScript (transpiled at load time), CommonJS and ES module job
 * modules, and YAML/JSON job files. `hexstream` maps the library's specifiers (`hexstream`, …) to
 * the running hexstream's files, which the modules' imports of them get.
 */
export class JobFileLoader implements JobLoaderPort {
  private readonly modules: CommonJsModules;

  constructor(
    private readonly hexstream: ReadonlyMap<string, string>,
    private readonly cwd: string = process.cwd(),
  ) {
    this.modules = new CommonJsModules(hexstream);
  }

  async load(path: string): Promise<LoadedJob> {
    const file = resolve(this.cwd, path);
    const kind = jobFileKind(file);
    if (kind === undefined)
      throw jobFileError(path, `not a job file: its name must end in ${JOB_FILE_EXTENSIONS.join(', ')}`);
    await this.checkFile(path, file);
    const job = kind === 'data' ? await this.dataJob(path, file) : await this.moduleJob(path, file, kind);
    return { job, file };
  }

  private async checkFile(path: string, file: string): Promise<void> {
    let isFile: boolean;
    try {
      isFile = (await stat(file)).isFile();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw jobFileError(path, code === 'ENOENT' ? 'no such file' : `cannot be read: ${thrownMessage(e)}`);
    }
    if (!isFile) throw jobFileError(path, 'not a file');
  }

  private async dataJob(path: string, file: string): Promise<AnyJob> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw jobFileError(path, `cannot be read: ${thrownMessage(e)}`);
    }
    return dataJob(text, path);
  }

  private async moduleJob(path: string, file: string, kind: Exclude<JobFileKind, 'data'>): Promise<AnyJob> {
    let exports: unknown;
    try {
      const esm = kind === 'esm' || (kind === 'javascript' && isEsmPackage(file));
      exports = esm ? await importEsm(file, this.hexstream) : this.modules.load(file);
    } catch (e) {
      throw this.loadFailure(path, file, e);
    }
    const found = exportedJob(exports);
    if (!found.ok) throw jobFileError(path, found.message);
    return found.job;
  }

  /** A module that does not parse names the line; one that throws while loading, its message. */
  private loadFailure(path: string, file: string, thrown: unknown): Error {
    const syntax =
      thrown instanceof SyntaxProblem
        ? thrown
        : (syntaxProblemOf(thrown, file, pathToFileURL(file).href) ?? esmSyntax(file, thrown));
    if (syntax === undefined) {
      const stack = this.sourceStack(thrown);
      const line = stack === undefined ? undefined : stackLine(stack, file, pathToFileURL(file).href);
      return jobFileError(path, `loading failed: ${thrownMessage(thrown)}`, line, thrown);
    }
    if (syntax.file === file) return jobFileError(path, syntax.message, syntax.line, thrown);
    const other = relative(this.cwd, syntax.file);
    return jobFileError(path, `${syntax.line === undefined ? other : `${other}:${syntax.line}`}: ${syntax.message}`);
  }

  /**
   * The stack of what a job module threw, with its TypeScript files' places as written (put back
   * on the error, which `--verbose` prints).
   */
  private sourceStack(thrown: unknown): string | undefined {
    if (typeof thrown !== 'object' || thrown === null) return undefined;
    const error = thrown as { stack?: unknown };
    if (typeof error.stack !== 'string') return undefined;
    const stack = mappedStack(error.stack, (f, at) => this.modules.sourcePosition(f, at));
    try {
      error.stack = stack;
    } catch {
      // A frozen error keeps its stack; the line is still the one mapped.
    }
    return stack;
  }
}

/**
 * Node does not say where an ES module fails to parse: the TypeScript parser, run over the file
 * only then, finds the line (when it sees the same error).
 */
function esmSyntax(file: string, thrown: unknown): SyntaxProblem | undefined {
  if (!isSyntaxError(thrown)) return undefined;
  let line: number | undefined;
  try {
    const parsed = transpileTypeScript(readFileSync(file, 'utf8'), file);
    line = parsed.ok ? undefined : parsed.line;
  } catch {
    line = undefined;
  }
  return new SyntaxProblem(file, line, thrown.message);
}
