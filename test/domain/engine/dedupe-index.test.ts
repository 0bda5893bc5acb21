import { DedupeIndex } from '../../../src/domain/engine/dedupe-index';

/** Watermarks per partition, -Infinity for a partition not listed. */
function watermarks(byPartition: Readonly<Record<number, number>>): (partition: number) => number {
  return (p) => byPartition[p] ?? -Infinity;
}

describe('DedupeIndex', () => {
  it('remembers nothing at first', () => {
    const index = new DedupeIndex();
    expect(index.isRemembered(1, watermarks({}))).toBe(false);
    expect(index.size()).toBe(0);
  });

  it('remembers an id while the watermark of its partition is before its last window end', () => {
    const index = new DedupeIndex();
    index.remember(17, 0, 60_000);
    expect(index.isRemembered(17, watermarks({}))).toBe(true);
    expect(index.isRemembered(17, watermarks({ 0: 0 }))).toBe(true);
    expect(index.isRemembered(17, watermarks({ 0: 59_999 }))).toBe(true);
  });

  it('forgets an id once the watermark reaches exactly its last window end', () => {
    const index = new DedupeIndex();
    index.remember(17, 0, 60_000);
    expect(index.isRemembered(17, watermarks({ 0: 60_000 }))).toBe(false);
    expect(index.isRemembered(17, watermarks({ 0: 60_001 }))).toBe(false);
    expect(index.isRemembered(17, () => Infinity)).toBe(false);
  });

  it('does not confuse other ids or a number with its string form', () => {
    const index = new DedupeIndex();
    index.remember(17, 0, 60_000);
    index.remember('A-9', 0, 60_000);
    expect(index.isRemembered(18, watermarks({}))).toBe(false);
    expect(index.isRemembered('17', watermarks({}))).toBe(false);
    expect(index.isRemembered('A-9', watermarks({}))).toBe(true);
  });

  it('expires ids of different partitions by their own watermark', () => {
    const index = new DedupeIndex();
    index.remember(1, 0, 60_000);
    index.remember(2, 1, 60_000);
    // Partition 0 is past the window end, partition 1 is not.
    const w = watermarks({ 0: 60_000, 1: 30_000 });
    expect(index.isRemembered(1, w)).toBe(false);
    expect(index.isRemembered(2, w)).toBe(true);
    const swapped = watermarks({ 0: 30_000, 1: 60_000 });
    expect(index.isRemembered(1, swapped)).toBe(true);
    expect(index.isRemembered(2, swapped)).toBe(false);
  });

  it('finds an id in an older set that is still open after a newer one for it closed, also after forgetting the newer', () => {
    const index = new DedupeIndex();
    index.remember(5, 0, 120_000);
    index.remember(5, 1, 60_000);
    const w = watermarks({ 0: 100_000, 1: 100_000 });
    expect(index.isRemembered(5, w)).toBe(true);
    index.forgetClosed(w);
    expect(index.size()).toBe(1);
    expect(index.isRemembered(5, w)).toBe(true);
    index.forgetClosed(watermarks({ 0: 120_000, 1: 120_000 }));
    expect(index.isRemembered(5, watermarks({}))).toBe(false);
    expect(index.size()).toBe(0);
  });

  it('remembers an id while any partition that accepted it still has it open', () => {
    const index = new DedupeIndex();
    index.remember(5, 0, 60_000);
    index.remember(5, 1, 120_000);
    expect(index.isRemembered(5, watermarks({ 0: 100_000, 1: 100_000 }))).toBe(true);
    expect(index.isRemembered(5, watermarks({ 0: 100_000, 1: 120_000 }))).toBe(false);
  });

  it('keeps ids of one partition with different last window ends apart', () => {
    const index = new DedupeIndex();
    index.remember(1, 0, 60_000);
    index.remember(2, 0, 120_000);
    index.remember(3, 0, 60_000);
    const w = watermarks({ 0: 60_000 });
    expect(index.isRemembered(1, w)).toBe(false);
    expect(index.isRemembered(3, w)).toBe(false);
    expect(index.isRemembered(2, w)).toBe(true);
  });

  it('frees the ids of closed windows on forgetClosed and keeps the open ones', () => {
    const index = new DedupeIndex();
    for (let id = 0; id < 100; id++) index.remember(id, id % 2, id < 50 ? 60_000 : 120_000);
    expect(index.size()).toBe(100);

    index.forgetClosed(watermarks({ 0: 60_000, 1: 59_999 }));
    // Gone: even ids below 50 (partition 0, end 60 000). Kept: odd ids below 50 and everything ending at 120 000.
    expect(index.size()).toBe(75);
    expect(index.isRemembered(10, watermarks({}))).toBe(false);
    expect(index.isRemembered(11, watermarks({}))).toBe(true);
    expect(index.isRemembered(60, watermarks({}))).toBe(true);

    index.forgetClosed(watermarks({ 0: 119_999, 1: 60_000 }));
    expect(index.size()).toBe(50);
    index.forgetClosed(() => Infinity);
    expect(index.size()).toBe(0);
    expect(index.isRemembered(99, watermarks({}))).toBe(false);
  });

  it('remembers into the right bucket after forgetClosed dropped the last one used', () => {
    const index = new DedupeIndex();
    index.remember(1, 0, 60_000);
    index.forgetClosed(watermarks({ 0: 60_000 }));
    index.remember(2, 0, 60_000);
    expect(index.size()).toBe(1);
    index.remember(3, 0, 120_000);
    index.remember(4, 0, 60_000);
    expect(index.size()).toBe(3);
    index.forgetClosed(watermarks({ 0: 60_000 }));
    expect(index.size()).toBe(1);
    expect(index.isRemembered(3, watermarks({ 0: 60_000 }))).toBe(true);
  });

  it('counts an id remembered twice in the same bucket once', () => {
    const index = new DedupeIndex();
    index.remember(7, 0, 60_000);
    index.remember(7, 0, 60_000);
    expect(index.size()).toBe(1);
  });

  it('snapshots each id of a bucket once, in the order remembered, and restores a listed-twice id once', () => {
    const index = new DedupeIndex();
    index.remember(5, 0, 60_000, 10);
    index.remember(3, 0, 60_000, 11);
    index.remember(5, 0, 60_000, 12);
    expect(index.snapshot()).toEqual([{ partition: 0, endMs: 60_000, firstPosition: 10, ids: [5, 3] }]);
    const restored = new DedupeIndex();
    restored.restore([{ partition: 1, endMs: 120_000, firstPosition: 7, ids: [9, 'a', 9] }]);
    expect(restored.size()).toBe(2);
    expect(restored.snapshot()).toEqual([{ partition: 1, endMs: 120_000, firstPosition: 7, ids: [9, 'a'] }]);
    expect(restored.isRemembered('a', watermarks({ 1: 119_999 }))).toBe(true);
    expect(restored.isRemembered(9, watermarks({ 1: 120_000 }))).toBe(false);
  });

  it('agrees with a naive list of (id, partition, end) entries', () => {
    // Deterministic pseudo-random script of remember / forget calls.
    let seed = 12345;
    const next = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    const index = new DedupeIndex();
    let naive: { id: number; partition: number; end: number }[] = [];
    const wm = [-Infinity, -Infinity, -Infinity];
    const watermarkOf = (p: number): number => wm[p] ?? -Infinity;
    for (let step = 0; step < 5_000; step++) {
      const op = next(10);
      const p = next(3);
      if (op < 6) {
        const id = next(50);
        const end = (next(5) + 1) * 60_000;
        index.remember(id, p, end);
        if (!naive.some((e) => e.id === id && e.partition === p && e.end === end))
          naive.push({ id, partition: p, end });
      } else if (op < 8) {
        wm[p] = next(6) * 60_000 - 1 + next(2);
      } else {
        index.forgetClosed(watermarkOf);
        naive = naive.filter((e) => watermarkOf(e.partition) < e.end);
        expect(index.size()).toBe(naive.length);
      }
      const probe = next(50);
      expect(index.isRemembered(probe, watermarkOf)).toBe(
        naive.some((e) => e.id === probe && watermarkOf(e.partition) < e.end),
      );
    }
  });
});
