import fc from 'fast-check';
import {
  firstWindowStart,
  isTumbling,
  lastWindowStart,
  slidingWindows,
  tumblingWindows,
  windowStartsFor,
} from '../../../src/domain/windowing/window-spec';

const MINUTE = 60_000;

/**
 * Brute force: walks every multiple of `slide` from far below `t` up to `t` and keeps those with
 * `s <= t < s + length`. Starts at -60001 · slide, which is below `t - length` for the ranges used.
 */
function bruteForceStarts(lengthMs: number, slideMs: number, t: number): number[] {
  const starts: number[] = [];
  for (let k = -60_001; k * slideMs <= t; k++) {
    const s = k * slideMs;
    if (s <= t && t < s + lengthMs) starts.push(s);
  }
  return starts;
}

/** Brute force on BigInt for epoch-sized times: from the largest multiple of slide <= t downwards. */
function bigIntStarts(lengthMs: number, slideMs: number, t: number): number[] {
  const T = BigInt(t);
  const L = BigInt(lengthMs);
  const S = BigInt(slideMs);
  const rem = ((T % S) + S) % S;
  const starts: number[] = [];
  for (let s = T - rem; s > T - L; s -= S) starts.unshift(Number(s));
  return starts;
}

describe('tumblingWindows', () => {
  it('is a sliding spec whose slide equals its length', () => {
    expect(tumblingWindows(MINUTE)).toEqual({ kind: 'fixed', lengthMs: MINUTE, slideMs: MINUTE });
    expect(isTumbling(tumblingWindows(MINUTE))).toBe(true);
    expect(isTumbling(slidingWindows(2 * MINUTE, MINUTE))).toBe(false);
  });

  it('assigns an event exactly at a window start to that window', () => {
    expect(windowStartsFor(tumblingWindows(MINUTE), 1_700_000_040_000)).toEqual([1_700_000_040_000]);
  });

  it('assigns an event exactly at a window end to the next window', () => {
    // [1_699_999_980_000, 1_700_000_040_000) ends where the next one begins.
    expect(windowStartsFor(tumblingWindows(MINUTE), 1_700_000_039_999)).toEqual([1_699_999_980_000]);
    expect(windowStartsFor(tumblingWindows(MINUTE), 1_700_000_040_000)).toEqual([1_700_000_040_000]);
  });

  it('aligns windows to the Unix epoch, not to the first event', () => {
    // 1_700_000_000_123 = 28_333_333 · 60_000 + 20_123
    expect(windowStartsFor(tumblingWindows(MINUTE), 1_700_000_000_123)).toEqual([1_699_999_980_000]);
    expect(windowStartsFor(tumblingWindows(MINUTE), 0)).toEqual([0]);
    expect(windowStartsFor(tumblingWindows(MINUTE), 59_999)).toEqual([0]);
    expect(windowStartsFor(tumblingWindows(MINUTE), 60_000)).toEqual([60_000]);
  });

  it('assigns negative times to windows before the epoch, rounding down', () => {
    expect(windowStartsFor(tumblingWindows(MINUTE), -1)).toEqual([-60_000]);
    expect(windowStartsFor(tumblingWindows(MINUTE), -59_999)).toEqual([-60_000]);
    expect(windowStartsFor(tumblingWindows(MINUTE), -60_000)).toEqual([-60_000]);
    expect(windowStartsFor(tumblingWindows(MINUTE), -60_001)).toEqual([-120_000]);
  });

  it('puts every event in exactly one window', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: -50_000, max: 50_000 }), (length, t) => {
        const starts = windowStartsFor(tumblingWindows(length), t);
        expect(starts).toHaveLength(1);
        expect(starts).toEqual(bruteForceStarts(length, length, t));
      }),
    );
  });
});

describe('slidingWindows', () => {
  it('assigns an event to length/slide windows when the slide divides the length', () => {
    const spec = slidingWindows(3_000, 1_000);
    expect(windowStartsFor(spec, 5_000)).toEqual([3_000, 4_000, 5_000]);
    expect(windowStartsFor(spec, 5_999)).toEqual([3_000, 4_000, 5_000]);
    expect(windowStartsFor(spec, 6_000)).toEqual([4_000, 5_000, 6_000]);
  });

  it('assigns an event to 4 or 3 windows for length 10 s and slide 3 s, depending on its offset', () => {
    const spec = slidingWindows(10_000, 3_000);
    // s is a multiple of 3000 with t - 10000 < s <= t.
    expect(windowStartsFor(spec, 0)).toEqual([-9_000, -6_000, -3_000, 0]);
    expect(windowStartsFor(spec, 999)).toEqual([-9_000, -6_000, -3_000, 0]);
    expect(windowStartsFor(spec, 1_000)).toEqual([-6_000, -3_000, 0]);
    expect(windowStartsFor(spec, 2_999)).toEqual([-6_000, -3_000, 0]);
    expect(windowStartsFor(spec, 3_000)).toEqual([-6_000, -3_000, 0, 3_000]);
    expect(windowStartsFor(spec, 12_000)).toEqual([3_000, 6_000, 9_000, 12_000]);
  });

  it('covers each millisecond of a slide period length/slide times on average (10 s every 3 s)', () => {
    const spec = slidingWindows(10_000, 3_000);
    let memberships = 0;
    const histogram = new Map<number, number>();
    for (let t = 0; t < 3_000; t++) {
      const n = windowStartsFor(spec, t).length;
      memberships += n;
      histogram.set(n, (histogram.get(n) ?? 0) + 1);
    }
    // Each window covers 10 000 ms; one new window starts per 3 000 ms period.
    expect(memberships).toBe(10_000);
    expect(histogram).toEqual(
      new Map([
        [4, 1_000],
        [3, 2_000],
      ]),
    );
  });

  it('lists window starts oldest first, with the first and last helpers at the ends', () => {
    const spec = slidingWindows(10_000, 3_000);
    expect(firstWindowStart(spec, 0)).toBe(-9_000);
    expect(lastWindowStart(spec, 0)).toBe(0);
    expect(firstWindowStart(spec, 1_000)).toBe(-6_000);
    expect(lastWindowStart(spec, 2_999)).toBe(0);
    expect(firstWindowStart(spec, -1)).toBe(-9_000);
    expect(lastWindowStart(spec, -1)).toBe(-3_000);
  });

  it('assigns negative times to windows for sliding specs too', () => {
    expect(windowStartsFor(slidingWindows(3_000, 1_000), -1)).toEqual([-3_000, -2_000, -1_000]);
    expect(windowStartsFor(slidingWindows(3_000, 1_000), -3_000)).toEqual([-5_000, -4_000, -3_000]);
  });

  it('matches a brute-force enumeration of all multiples of the slide', () => {
    const spec = fc
      .integer({ min: 1, max: 5_000 })
      .chain((length) => fc.tuple(fc.constant(length), fc.integer({ min: 1, max: length })));
    fc.assert(
      fc.property(spec, fc.integer({ min: -50_000, max: 50_000 }), ([length, slide], t) => {
        const w = slidingWindows(length, slide);
        const expected = bruteForceStarts(length, slide, t);
        expect(windowStartsFor(w, t)).toEqual(expected);
        expect(firstWindowStart(w, t)).toBe(expected[0]);
        expect(lastWindowStart(w, t)).toBe(expected[expected.length - 1]);
      }),
    );
  });

  it('matches a BigInt enumeration for epoch-sized event times', () => {
    const spec = fc
      .integer({ min: 1, max: 3_600_000 })
      .chain((length) =>
        fc.tuple(fc.constant(length), fc.integer({ min: Math.max(1, Math.ceil(length / 50)), max: length })),
      );
    fc.assert(
      fc.property(spec, fc.integer({ min: 946_684_800_000, max: 4_102_444_799_999 }), ([length, slide], t) => {
        expect(windowStartsFor(slidingWindows(length, slide), t)).toEqual(bigIntStarts(length, slide, t));
      }),
    );
  });

  it('puts an event in ceil or floor of length/slide windows', () => {
    const spec = fc
      .integer({ min: 1, max: 5_000 })
      .chain((length) => fc.tuple(fc.constant(length), fc.integer({ min: 1, max: length })));
    fc.assert(
      fc.property(spec, fc.integer({ min: -50_000, max: 50_000 }), ([length, slide], t) => {
        const n = windowStartsFor(slidingWindows(length, slide), t).length;
        const lo = Math.floor(length / slide);
        expect(n === lo || n === lo + 1).toBe(true);
        if (length % slide === 0) expect(n).toBe(lo);
      }),
    );
  });
});

describe('window spec validation', () => {
  it('rejects a slide longer than the length, which would leave gaps', () => {
    expect(() => slidingWindows(1_000, 1_001)).toThrow(RangeError);
    expect(() => slidingWindows(1_000, 1_001)).toThrow(
      new RangeError('window slide (1001 ms) must not exceed its length (1000 ms)'),
    );
  });

  it('accepts a slide equal to the length and a slide of 1 ms', () => {
    expect(slidingWindows(1_000, 1_000)).toEqual({ kind: 'fixed', lengthMs: 1_000, slideMs: 1_000 });
    expect(slidingWindows(1_000, 1)).toEqual({ kind: 'fixed', lengthMs: 1_000, slideMs: 1 });
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('rejects a length of %p', (length) => {
    expect(() => slidingWindows(length, 1)).toThrow(
      new RangeError(`window length must be a positive whole number of milliseconds, got ${length}`),
    );
    expect(() => tumblingWindows(length)).toThrow(
      new RangeError(`window length must be a positive whole number of milliseconds, got ${length}`),
    );
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects a slide of %p', (slide) => {
    expect(() => slidingWindows(10_000, slide)).toThrow(
      new RangeError(`window slide must be a positive whole number of milliseconds, got ${slide}`),
    );
  });
});
