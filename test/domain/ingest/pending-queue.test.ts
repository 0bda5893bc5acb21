import { PendingQueue } from '../../../src/domain/ingest/pending-queue';
import type { FeedMessage } from '../../../src/ports/feed-sink.port';

const m = (i: number): FeedMessage => ({ key: `K${i % 3}`, value: String(i), timestampMs: i });
const d = (i: number): { reason: string; detail: string; raw: string; receivedAtMs: number } => ({
  reason: 'invalid',
  detail: String(i),
  raw: '',
  receivedAtMs: i,
});

describe('PendingQueue', () => {
  it('hands out the oldest items first, split into messages and dead letters, until they are dropped', () => {
    const q = new PendingQueue();
    q.push([m(1), m(2)], [d(1)]);
    q.push([m(3)], []);
    expect(q.peek(3)).toEqual({ messages: [m(1), m(2)], deadLetters: [d(1)], count: 3 });
    expect(q.peek(3)).toEqual({ messages: [m(1), m(2)], deadLetters: [d(1)], count: 3 });
    q.drop(3);
    expect(q.size).toBe(1);
    expect(q.peek(10)).toEqual({ messages: [m(3)], deadLetters: [], count: 1 });
    q.drop(1);
    expect([q.size, q.peek(10).count]).toEqual([0, 0]);
  });

  it('keeps the order of 5000 items sent in batches of 700 across its compactions', () => {
    const q = new PendingQueue();
    const all = Array.from({ length: 5000 }, (_, i) => m(i));
    q.push(all.slice(0, 2500), []);
    const out: FeedMessage[] = [];
    for (let pushed = 2500; q.size > 0;) {
      const batch = q.peek(700);
      out.push(...batch.messages);
      q.drop(batch.count);
      if (pushed < 5000) {
        q.push(all.slice(pushed, pushed + 1000), []);
        pushed += 1000;
      }
    }
    expect(out).toEqual(all);
  });
});
