import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** A compiled browser file, served as it is. */
export interface WebAsset {
  /** Relative to the web folder, with `/`: `console/main.js`. */
  readonly path: string;
  readonly contentType: string;
  readonly body: Uint8Array;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * The compiled browser code (`dist/web`): next to this file in `dist/` (`dist/adapters/console` →
 * `dist/web`), or, when this file runs from `src/` under ts-jest, the build's output beside it.
 */
export function defaultWebDir(): string {
  const candidates = [resolve(__dirname, '../../web'), resolve(__dirname, '../../../dist/web')];
  return candidates.find((dir) => existsSync(join(dir, 'console'))) ?? (candidates[0] as string);
}

function filesUnder(root: string, folder: string): string[] {
  const dir = join(root, folder);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory()) return filesUnder(root, path);
    return entry.isFile() ? [path] : [];
  });
}

/**
 * The files of `folders` (`console`, `shared`) under `webDir` that a browser may load, read once:
 * they are small and do not change while the process runs. A missing folder gives no file.
 */
export function loadWebAssets(webDir: string, folders: readonly string[]): WebAsset[] {
  return folders.flatMap((folder) =>
    filesUnder(webDir, folder).flatMap((path) => {
      const ext = /\.[a-z]+$/.exec(path)?.[0] ?? '';
      const contentType = CONTENT_TYPES[ext];
      return contentType === undefined ? [] : [{ path, contentType, body: readFileSync(join(webDir, path)) }];
    }),
  );
}
