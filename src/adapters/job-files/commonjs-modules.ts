import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { compileFunction } from 'node:vm';
import { isEsmPackage } from './package-type';
import { sourcePosition, type Position } from './source-lines';
import { SyntaxProblem, syntaxProblemOf } from './syntax-problem';
import { transpileTypeScript } from './typescript-transpile';

interface CommonJsModule {
  exports: unknown;
  readonly id: string;
  readonly filename: string;
  loaded: boolean;
}

type ModuleWrapper = (
  this: unknown,
  exports: unknown,
  require: (id: string) => unknown,
  module: CommonJsModule,
  filename: string,
  dirname: string,
) => void;

const WRAPPER_PARAMS = ['exports', 'require', 'module', '__filename', '__dirname'];

/** What a relative import may name: the file itself, or it with an extension, or a folder's index. */
const CANDIDATES = ['', '.ts', '.js', '.cjs', '/index.ts', '/index.js'];

/**
 * The user's TypeScript and CommonJS files, evaluated in this process without a build step: a
 * small module system over Node's own. `require('hexstream')` (and `import … from 'hexstream'`,
 * which TypeScript turns into it) gets the running hexstream's own library (`hexstream` maps the
 * specifiers to its files), so a job runs against the same engine as the CLI, wherever the file
 * lies and whatever is installed next to it. Relative imports of the user's own `.ts` and
 * CommonJS files are evaluated the same way; everything else (packages, JSON, ESM) goes to Node's
 * `require` from the importing file.
 */
export class CommonJsModules {
  private readonly modules = new Map<string, CommonJsModule>();
  /** Source maps of the TypeScript files loaded, by file. */
  private readonly mappings = new Map<string, string>();

  constructor(private readonly hexstream: ReadonlyMap<string, string>) {}

  /** The exports of `file` (an absolute path), evaluated once. Throws what the module throws. */
  load(file: string): unknown {
    const cached = this.modules.get(file);
    if (cached !== undefined) return cached.exports;
    const code = this.code(file);
    const module: CommonJsModule = { exports: {}, id: file, filename: file, loaded: false };
    let wrapper: ModuleWrapper;
    try {
      wrapper = compileFunction(code, WRAPPER_PARAMS, { filename: file }) as ModuleWrapper;
    } catch (e) {
      throw syntaxProblemOf(e, file, file) ?? e;
    }
    // Registered before it runs, as Node does, so that an import cycle gets the partial exports.
    this.modules.set(file, module);
    try {
      wrapper.call(module.exports, module.exports, this.requireFrom(file), module, file, dirname(file));
    } catch (e) {
      this.modules.delete(file);
      throw e;
    }
    module.loaded = true;
    return module.exports;
  }

  private code(file: string): string {
    const source = readFileSync(file, 'utf8');
    if (extname(file) !== '.ts') return source;
    const out = transpileTypeScript(source, file);
    if (!out.ok) throw new SyntaxProblem(file, out.line, out.message);
    this.mappings.set(file, out.mappings);
    return out.code;
  }

  /** Where a place in the code evaluated for `file` is in `file` as written (TypeScript is transpiled). */
  sourcePosition(file: string, at: Position): Position | undefined {
    const mappings = this.mappings.get(file);
    return mappings === undefined ? undefined : sourcePosition(mappings, at);
  }

  private requireFrom(file: string): (id: string) => unknown {
    const nodeRequire = createRequire(file);
    const require = (id: string): unknown => {
      const library = this.hexstream.get(id);
      if (library !== undefined) return nodeRequire(library);
      const own = id.startsWith('.') || isAbsolute(id) ? this.ownFile(dirname(file), id) : undefined;
      return own === undefined ? nodeRequire(id) : this.load(own);
    };
    return Object.assign(require, { resolve: nodeRequire.resolve, cache: nodeRequire.cache });
  }

  /** The user's file a relative import names, when it is TypeScript or CommonJS. */
  private ownFile(dir: string, id: string): string | undefined {
    const base = resolve(dir, id);
    // TypeScript written for Node's ESM names `./helpers.js` for `./helpers.ts`.
    const candidates = CANDIDATES.map((c) => base + c);
    if (base.endsWith('.js')) candidates.push(`${base.slice(0, -3)}.ts`);
    const found = candidates.find((c) => existsSync(c) && statSync(c).isFile());
    if (found === undefined) return undefined;
    const ext = extname(found);
    if (ext === '.ts' || ext === '.cjs' || (ext === '.js' && !isEsmPackage(found))) return found;
    return undefined;
  }
}
