import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileDeadLetters } from '../../../src/adapters/file/file-dead-letters.adapter';
import { describeDeadLetterContract } from '../../contracts/dead-letter.contract';
import { parseJsonObject } from '../../contracts/output.contract';

describeDeadLetterContract('FileDeadLetters', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hexstream-dead-letters-'));
  const path = join(dir, 'out', 'dead.jsonl');
  return {
    port: new FileDeadLetters(path),
    read: async () =>
      (await readFile(path, 'utf8'))
        .split('\n')
        .filter((line) => line !== '')
        .map(parseJsonObject),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('FileDeadLetters', () => {
  it('starts no new file for a run aborted before its first letter (its database could not be reached)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hexstream-dead-letters-'));
    try {
      const path = join(dir, 'dead.jsonl');
      await writeFile(path, 'earlier run\n');
      const port = new FileDeadLetters(path);
      await port.open();
      await port.abort();
      expect(await readdir(dir)).toEqual(['dead.jsonl']);
      expect(await readFile(path, 'utf8')).toBe('earlier run\n');
      // A run that ends without a letter leaves an empty file of its own; the earlier one is kept.
      await port.open();
      await port.close();
      expect((await readdir(dir)).length).toBe(2);
      expect(await readFile(path, 'utf8')).toBe('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
