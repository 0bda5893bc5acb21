import fc from 'fast-check';
import { formatDuration, parseDuration } from '../../src/composition/duration';
import { propertyRuns } from '../support/property-runs';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['1.5s', 1_500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['0', 0],
    ['0ms', 0],
    ['0s', 0],
    ['0.001s', 1],
    ['1.1s', 1_100],
    ['1.5m', 90_000],
    [' 10 s ', 10_000],
  ])('reads %p as %p ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    '',
    ' ',
    '5',
    '10 parsecs',
    '-1s',
    '1.0005s',
    '0.5ms',
    's',
    '1.s',
    '.5s',
    '10S',
    '1e3ms',
    '1 s 2',
    '00',
    '-0',
  ])('rejects %p', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('rejects a duration beyond the safe-integer range of milliseconds', () => {
    expect(parseDuration('9007199254740993ms')).toBeUndefined();
    expect(parseDuration('9007199254740991ms')).toBe(9_007_199_254_740_991);
  });

  it.each([
    ['4.1h', 14_760_000],
    ['0.7d', 60_480_000],
    ['256.1m', 15_366_000],
    ['16471.53s', 16_471_530],
  ])('reads %p, a whole number of milliseconds, as %p ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('reads any decimal that is a whole number of milliseconds exactly', () => {
    const units: ReadonlyArray<readonly [string, bigint]> = [
      ['ms', 1n],
      ['s', 1_000n],
      ['m', 60_000n],
      ['h', 3_600_000n],
      ['d', 86_400_000n],
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom(...units),
        (digits, decimals, [unit, size]) => {
          const scale = 10n ** BigInt(decimals);
          const exact = BigInt(digits) * size;
          fc.pre(exact % scale === 0n);
          const padded = String(digits).padStart(decimals + 1, '0');
          const text =
            decimals === 0 ? `${padded}${unit}` : `${padded.slice(0, -decimals)}.${padded.slice(-decimals)}${unit}`;
          expect([text, parseDuration(text)]).toEqual([text, Number(exact / scale)]);
        },
      ),
      { numRuns: propertyRuns(2_000) },
    );
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [1, '1ms'],
    [500, '500ms'],
    [1_500, '1500ms'],
    [10_000, '10s'],
    [90_000, '90s'],
    [120_000, '2m'],
    [3_600_000, '1h'],
    [5_400_000, '90m'],
    [86_400_000, '1d'],
    [172_800_000, '2d'],
  ])('writes %p ms as %p in the largest whole unit', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('gives back the same milliseconds when its output is parsed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 365 * 86_400_000 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
    );
  });
});
