import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FeedFileSink } from '../../../src/adapters/file/feed-file-sink.adapter';
import { describeFeedSinkContract } from '../../contracts/feed-sink.contract';

async function lines(path: string): Promise<string[]> {
  return (await readFile(path, 'utf8')).split('\n').filter((line) => line !== '');
}

describeFeedSinkContract('FeedFileSink', { keepsKeyAndTimestamp: false }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hexstream-feed-file-'));
  const path = join(dir, 'out', 'quotes.jsonl');
  const deadLetterPath = join(dir, 'out', 'quotes.dead-letter.jsonl');
  return {
    sink: new FeedFileSink({ path, deadLetterPath }),
    read: async () => ({
      messages: (await lines(path)).map((value) => ({ value })),
      deadLetters: (await lines(deadLetterPath)).map((line) => {
        const d = JSON.parse(line) as { reason: string; detail: string; raw: string; received_at: string };
        return { reason: d.reason, detail: d.detail, raw: d.raw, receivedAtMs: Date.parse(d.received_at) };
      }),
    }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('FeedFileSink', () => {
  it('keeps the files of an earlier run beside the new ones', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hexstream-feed-file-'));
    try {
      const path = join(dir, 'quotes.jsonl');
      await writeFile(path, '{"symbol":"OLD","price":1,"ts":1}\n');
      const sink = new FeedFileSink({ path, deadLetterPath: join(dir, 'quotes.dead-letter.jsonl') });
      await sink.open();
      await sink.send([{ key: 'NEW', value: '{"symbol":"NEW","price":2,"ts":2}', timestampMs: 2 }], []);
      await sink.close();
      expect(await lines(path)).toEqual(['{"symbol":"NEW","price":2,"ts":2}']);
      const kept = (await readdir(dir)).filter((f) => f.startsWith('quotes.') && f !== 'quotes.jsonl');
      expect(kept.filter((f) => !f.startsWith('quotes.dead-letter'))).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
