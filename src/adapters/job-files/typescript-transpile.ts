import type * as TypeScript from 'typescript';

let compiler: typeof TypeScript | undefined;

/** The compiler, loaded on first use: it takes a good part of a second, which a built-in job never pays. */
function typescript(): typeof TypeScript {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily, see above
  compiler ??= require('typescript') as typeof TypeScript;
  return compiler;
}

/** Transpiled code, or the first syntax error with its 1-based line. */
export type Transpiled =
  | { readonly ok: true; readonly code: string; readonly mappings: string }
  | { readonly ok: false; readonly line: number | undefined; readonly message: string };

function options(ts: typeof TypeScript): TypeScript.CompilerOptions {
  return {
    // CommonJS, evaluated in-process (see `CommonJsModules`): `import … from 'hexstream'` becomes a
    // `require` that the loader points at the running hexstream.
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2022,
    esModuleInterop: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    // To tell the line of the job file where loading it threw.
    sourceMap: true,
  };
}

/**
 * A TypeScript job file as JavaScript, with no build step: each file is transpiled alone (types are
 * erased, not checked — the user's editor or `tsc` checks them), as ts-jest and tsx do.
 */
export function transpileTypeScript(source: string, fileName: string): Transpiled {
  const ts = typescript();
  const out = ts.transpileModule(source, { fileName, compilerOptions: options(ts), reportDiagnostics: true });
  const error = (out.diagnostics ?? []).find((d) => d.category === ts.DiagnosticCategory.Error);
  if (error === undefined) {
    const map = JSON.parse(out.sourceMapText ?? '{}') as { mappings?: unknown };
    return { ok: true, code: out.outputText, mappings: typeof map.mappings === 'string' ? map.mappings : '' };
  }
  const line =
    error.file !== undefined && error.start !== undefined
      ? error.file.getLineAndCharacterOfPosition(error.start).line + 1
      : undefined;
  return { ok: false, line, message: ts.flattenDiagnosticMessageText(error.messageText, ' ') };
}
