import { constants } from 'node:fs';
import { copyFile, link, stat, unlink } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';

/** Names tried after the first one is taken (`…-2`, `…-3`, …). */
const MAX_SUFFIX = 100;

/**
 * Keeps a non-empty regular file at `path` under a dated name beside it, so that the next write of
 * `path` loses nothing: `out/orders.dead-letter.jsonl` is kept as
 * `out/orders.dead-letter.20261203T122226705Z.jsonl`, dated by when it was last written (the end of
 * the run that wrote it). Never overwrites: the new name is taken with `link` (or, where a file
 * system has no hard links, an exclusive copy), which fails if it exists. With `removeOriginal`,
 * `path` is unlinked afterwards; without, the caller renames a new file over it. Returns the new
 * name, or `undefined` when there was nothing to keep (no file, or an empty one).
 */
export async function keepPrevious(path: string, removeOriginal = true): Promise<string | undefined> {
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  if (!info.isFile() || info.size === 0) return undefined;
  const ext = extname(path);
  const stem = join(dirname(path), basename(path, ext));
  const stamp = info.mtime.toISOString().replace(/[-:.]/g, '');
  for (let n = 1; n <= MAX_SUFFIX; n++) {
    const kept = `${stem}.${stamp}${n === 1 ? '' : `-${n}`}${ext}`;
    try {
      await linkOrCopy(path, kept);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw e;
    }
    if (removeOriginal) await unlink(path);
    return kept;
  }
  throw new Error(`cannot keep ${path}: ${MAX_SUFFIX} files named ${stem}.${stamp}…${ext} exist already`);
}

async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw e;
    await copyFile(from, to, constants.COPYFILE_EXCL);
  }
}
