import type { FeedPoll, FeedRejection, FeedSourcePort } from '../../../src/ports/feed-source.port';

export interface Polled {
  readonly payloads: string[];
  readonly receivedAt: number[];
  readonly rejected: FeedRejection[];
  /** Each poll's `unavailable`, in order (undefined when the feed was fine). */
  readonly outages: FeedPoll['unavailable'][];
  readonly polls: number;
}

/**
 * Polls `feed` (waiting at most `waitMs` each time) until `done` holds of what came, at most
 * `maxPolls` times; fails with what came if it never does.
 */
export async function pollUntil(
  feed: FeedSourcePort,
  done: (got: Polled) => boolean,
  maxPolls = 50,
  waitMs = 100,
): Promise<Polled> {
  const got = {
    payloads: [] as string[],
    receivedAt: [] as number[],
    rejected: [] as FeedRejection[],
    outages: [] as FeedPoll['unavailable'][],
    polls: 0,
  };
  while (got.polls < maxPolls) {
    const poll = await feed.poll(waitMs);
    got.polls += 1;
    got.payloads.push(...poll.payloads.map((p) => p.text));
    got.receivedAt.push(...poll.payloads.map((p) => p.receivedAtMs));
    got.rejected.push(...poll.rejected);
    got.outages.push(poll.unavailable);
    if (done(got)) return got;
  }
  throw new Error(`the feed never got there in ${maxPolls} polls; it gave ${JSON.stringify(got)}`);
}
