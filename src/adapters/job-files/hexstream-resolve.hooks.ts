/**
 * Module resolution hooks (`module.register`) for job files that are ES modules: `import … from
 * 'hexstream'` resolves to the running hexstream's own library, wherever the job file lies. Runs
 * in Node's loader thread, so it shares nothing with the rest of the process but `data`.
 */

/** Specifier → file URL (`hexstream` → file:///…/dist/index.js). */
let modules: Readonly<Record<string, string>> = {};

interface ResolveResult {
  readonly url: string;
  readonly shortCircuit?: boolean;
  readonly format?: string | null;
}

type NextResolve = (specifier: string, context: unknown) => ResolveResult | Promise<ResolveResult>;

export function initialize(data: { readonly modules: Readonly<Record<string, string>> }): void {
  modules = data.modules;
}

export function resolve(
  specifier: string,
  context: unknown,
  next: NextResolve,
): ResolveResult | Promise<ResolveResult> {
  const url = Object.hasOwn(modules, specifier) ? modules[specifier] : undefined;
  return url === undefined ? next(specifier, context) : { url, shortCircuit: true };
}
