import { mkdtemp, readFile, rm } from 'node:fs/promises';
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
