import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { HexstreamError } from '../../domain/hexstream-error';

/**
 * How dead letters name a file: relative to the input directory, or the input as given when it is
 * one file (`listInput` gives a file of a directory as `join(input, name)`).
 */
export function sourceName(input: string, file: string): string {
  return file === input ? input : relative(input, file);
}

/** A stable partition id per file name (FNV-1a, 31 bits); two names with one id are refused. */
export function partitionsByName(files: readonly string[]): number[] {
  const seen = new Map<number, string>();
  return files.map((file) => {
    const name = basename(file);
    let h = 0x811c9dc5;
    for (const byte of Buffer.from(name, 'utf8')) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
    const id = h & 0x7fffffff;
    const other = seen.get(id);
    if (other !== undefined)
      throw new HexstreamError(
        'SOURCE_UNAVAILABLE',
        `input files ${other} and ${name} map to one partition id (${id}): rename one`,
      );
    seen.set(id, name);
    return id;
  });
}

export async function listInput(input: string): Promise<string[]> {
  let info;
  try {
    info = await stat(input);
  } catch (e) {
    throw new HexstreamError('SOURCE_UNAVAILABLE', `cannot read input ${input}: ${(e as Error).message}`, { cause: e });
  }
  if (!info.isDirectory()) return [input];
  const names = (await readdir(input, { withFileTypes: true }))
    .filter((d) => d.isFile() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
  if (names.length === 0) throw new HexstreamError('SOURCE_UNAVAILABLE', `input directory ${input} holds no files`);
  return names.map((n) => join(input, n));
}
