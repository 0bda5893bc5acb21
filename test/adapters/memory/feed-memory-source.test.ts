import { MemoryFeedSource } from '../../../src/adapters/memory/feed-memory-source.adapter';
import { ManualClock } from '../../../src/adapters/memory/manual-clock.adapter';
import type { FeedPoll } from '../../../src/ports/feed-source.port';

const poll = (text: string): FeedPoll => ({ payloads: [{ text, receivedAtMs: 5 }], rejected: [] });

describe('MemoryFeedSource', () => {
  it('returns the scripted polls in order, then `after`, waiting maxWaitMs on its clock when it has nothing', async () => {
    const clock = new ManualClock(1000);
    const after: FeedPoll = { payloads: [], rejected: [], unavailable: { what: 'gone', sinceMs: 0 } };
    const feed = new MemoryFeedSource([poll('a'), () => poll('b')], clock, after);
    await feed.open();
    expect(await feed.poll(100)).toEqual(poll('a'));
    expect(feed.played()).toBe(false);
    expect(await feed.poll(100)).toEqual(poll('b'));
    expect(feed.played()).toBe(true);
    expect(await feed.poll(250)).toEqual(after);
    expect(clock.now()).toBe(1250);
    expect([feed.waits, feed.polledAtMs]).toEqual([
      [100, 100, 250],
      [1000, 1000, 1000],
    ]);
  });

  it('refuses a poll before open and after close', async () => {
    const feed = new MemoryFeedSource([]);
    await expect(feed.poll(0)).rejects.toThrow('poll on a feed that is not open');
    await feed.open();
    await feed.close();
    await expect(feed.poll(0)).rejects.toThrow('poll on a feed that is closed');
  });
});
