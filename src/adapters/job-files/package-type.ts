import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Whether a `.js` file is an ES module, as Node decides it: by the `"type"` of the nearest
 * package.json above it (`"module"`: ESM; anything else, or none: CommonJS).
 */
export function isEsmPackage(file: string): boolean {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const type = packageType(join(dir, 'package.json'));
    if (type !== undefined) return type === 'module';
    if (dirname(dir) === dir) return false;
  }
}

/** The package's `"type"` ('' when it has none); undefined when there is no readable package.json. */
function packageType(path: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const pkg = JSON.parse(text) as { type?: unknown };
    return typeof pkg.type === 'string' ? pkg.type : '';
  } catch {
    return '';
  }
}
