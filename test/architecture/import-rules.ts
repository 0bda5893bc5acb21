import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export interface ImportViolation {
  file: string;
  specifier: string;
  rule: string;
}

const IMPORT =
  /(?:^|[;\s])(import|export)\s+(type\s+)?(?:[\w*{}\s,$]+\s+from\s+)?['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g;

export function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/**
 * The layer rule of the hexagon: code in the domain imports only other domain files, and port
 * interfaces as types (erased at compile time). No framework, driver or Node module.
 */
export function domainViolations(file: string, source: string, root: string): ImportViolation[] {
  const domain = resolve(root, 'src/domain');
  const ports = resolve(root, 'src/ports');
  const out: ImportViolation[] = [];
  for (const m of source.matchAll(IMPORT)) {
    const typeOnly = m[2] !== undefined;
    const specifier = m[3] ?? m[4] ?? m[5] ?? '';
    const at = relative(root, file);
    if (!specifier.startsWith('.')) {
      out.push({ file: at, specifier, rule: 'the domain imports no package or Node module' });
      continue;
    }
    const target = resolve(dirname(file), specifier);
    if (target.startsWith(domain + sep)) continue;
    if (target.startsWith(ports + sep) && typeOnly) continue;
    out.push({
      file: at,
      specifier,
      rule: target.startsWith(ports + sep) ? 'ports are imported as types only' : 'the domain imports only the domain',
    });
  }
  if (/\bconsole\.|\bprocess\.|\bsetTimeout\(|\bDate\.now\(/.test(source)) {
    out.push({
      file: relative(root, file),
      specifier: '(global)',
      rule: 'no console, process, timers or wall clock in the domain (use ports)',
    });
  }
  return out;
}

/** Ports may name inversify only for the token type. */
export function portViolations(file: string, source: string, root: string): ImportViolation[] {
  const out: ImportViolation[] = [];
  for (const m of source.matchAll(IMPORT)) {
    const typeOnly = m[2] !== undefined;
    const specifier = m[3] ?? m[4] ?? m[5] ?? '';
    if (specifier.startsWith('.')) continue;
    if (specifier === 'inversify' && typeOnly) continue;
    out.push({ file: relative(root, file), specifier, rule: 'ports import only types from inversify' });
  }
  return out;
}

export function readSource(file: string): string {
  return readFileSync(file, 'utf8');
}
