import { MemoryFeedSink } from '../../../src/adapters/memory/feed-memory-sink.adapter';
import { HexstreamError } from '../../../src/domain/hexstream-error';

const m = (key: string): { key: string; value: string; timestampMs: number } => ({ key, value: '{}', timestampMs: 1 });
const d = { reason: 'invalid', detail: 'x', raw: 'y', receivedAtMs: 2 };

describe('MemoryFeedSink', () => {
  it('keeps what it is sent, in order, and nothing of a rejected send', async () => {
    const sink = new MemoryFeedSink();
    await sink.open();
    await sink.send([m('a')], [d]);
    sink.down = true;
    await expect(sink.send([m('b')], [])).rejects.toMatchObject({ code: 'SINK_UNAVAILABLE' });
    sink.down = false;
    sink.failNext(new HexstreamError('SINK_WRITE_FAILED', 'too large'));
    await expect(sink.send([m('c')], [])).rejects.toThrow('too large');
    await sink.send([m('d')], []);
    expect(sink.messages.map((x) => x.key)).toEqual(['a', 'd']);
    expect(sink.deadLetters).toEqual([d]);
    expect(sink.sends).toEqual([
      [1, 1, true],
      [1, 0, false],
      [1, 0, false],
      [1, 0, true],
    ]);
  });

  it('refuses a send before open and after close', async () => {
    const sink = new MemoryFeedSink();
    await expect(sink.send([], [])).rejects.toThrow('send to a sink that is not open');
    await sink.open();
    await sink.close();
    await expect(sink.send([], [])).rejects.toThrow('send to a sink that is closed');
  });
});
