import type { SplitMessage } from '../../../src/domain/ingest/feed-formats';
import { UnchangedQuotes } from '../../../src/domain/ingest/unchanged-quotes';
import { HexstreamError } from '../../../src/domain/hexstream-error';

const T = 1_735_689_600_000;
const q = (symbol: string, ts: number, kind: 'quote' | 'trade' = 'quote'): SplitMessage => ({
  kind,
  key: symbol,
  value: `${symbol}@${ts}`,
  timestampMs: ts,
});
const plain = (m: SplitMessage): object => ({ key: m.key, value: m.value, timestampMs: m.timestampMs });

describe('UnchangedQuotes', () => {
  it('drops a quote with the symbol and update time of the last one sent, and counts it', () => {
    const filter = new UnchangedQuotes(10);
    expect(filter.keep([q('A', T), q('B', T)])).toEqual([plain(q('A', T)), plain(q('B', T))]);
    expect(filter.keep([q('A', T), q('B', T + 1), q('A', T)])).toEqual([plain(q('B', T + 1))]);
    expect(filter.unchanged()).toBe(2);
  });

  it('sends a quote again once its symbol moved to another time in between', () => {
    const filter = new UnchangedQuotes(10);
    expect(filter.keep([q('A', T), q('A', T + 5), q('A', T)])).toEqual([
      plain(q('A', T)),
      plain(q('A', T + 5)),
      plain(q('A', T)),
    ]);
    expect(filter.unchanged()).toBe(0);
  });

  it('never drops a trade, even with the same symbol and time', () => {
    const filter = new UnchangedQuotes(10);
    expect(filter.keep([q('A', T, 'trade'), q('A', T, 'trade')])).toHaveLength(2);
    expect(filter.unchanged()).toBe(0);
  });

  it('forgets the symbol seen least recently first, so its unchanged quote passes once', () => {
    const filter = new UnchangedQuotes(2);
    filter.keep([q('A', T), q('B', T), q('A', T)]); // A seen again: B is now the oldest
    expect(filter.keep([q('C', T)])).toHaveLength(1); // B forgotten
    expect(filter.remembered()).toBe(2);
    expect(filter.keep([q('A', T), q('C', T)])).toEqual([]);
    expect(filter.keep([q('B', T)])).toEqual([plain(q('B', T))]);
  });

  it('remembers nothing with maxRemembered 0, and refuses a negative or fractional bound', () => {
    const filter = new UnchangedQuotes(0);
    expect(filter.keep([q('A', T), q('A', T)])).toHaveLength(2);
    expect(filter.remembered()).toBe(0);
    expect(() => new UnchangedQuotes(-1)).toThrow(HexstreamError);
    expect(() => new UnchangedQuotes(1.5)).toThrow('maxRemembered must be a whole number ≥ 0, got 1.5');
  });
});
