import { register } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * A real dynamic `import()`. The project compiles to CommonJS, where TypeScript would turn
 * `import(x)` into `require(x)`, which cannot load an ES module; a function made at run time keeps
 * it as written.
 */
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- the one way to keep import() in CommonJS output
const dynamicImport = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;

let registered = false;

/**
 * Imports an ES module job file. The first call registers the resolution hooks that point
 * `hexstream` (and its subpaths in `hexstream`) at the running hexstream's library files.
 */
export async function importEsm(file: string, hexstream: ReadonlyMap<string, string>): Promise<unknown> {
  if (!registered) {
    const modules = Object.fromEntries([...hexstream].map(([id, path]) => [id, pathToFileURL(path).href]));
    register(pathToFileURL(require.resolve('./hexstream-resolve.hooks')).href, { data: { modules } });
    registered = true;
  }
  return dynamicImport(pathToFileURL(file).href);
}
