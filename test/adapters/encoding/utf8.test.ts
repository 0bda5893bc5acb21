import fc from 'fast-check';
import { firstInvalidUtf8 } from '../../../src/adapters/encoding/utf8';
import { propertyRuns } from '../../support/property-runs';

const fatal = new TextDecoder('utf-8', { fatal: true });

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    fatal.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reference offset: the longest valid prefix. UTF-8 decodes uniquely from the start, so every
 * longer prefix of an invalid input contains the first malformed sequence and is invalid too.
 */
function longestValidPrefix(bytes: Uint8Array): number {
  for (let k = bytes.length; k >= 0; k--) if (isValidUtf8(bytes.subarray(0, k))) return k;
  return 0;
}

function reference(bytes: Uint8Array): number {
  return isValidUtf8(bytes) ? -1 : longestValidPrefix(bytes);
}

/** Byte sequences at the edges of UTF-8: valid extremes, overlongs, surrogates, out of range, truncations. */
const EDGE_SEQUENCES: readonly (readonly number[])[] = [
  [0x7f],
  [0x80],
  [0xbf],
  [0xc0, 0x80],
  [0xc1, 0xbf],
  [0xc2, 0x80],
  [0xdf, 0xbf],
  [0xe0, 0x80, 0x80],
  [0xe0, 0x9f, 0xbf],
  [0xe0, 0xa0, 0x80],
  [0xed, 0x9f, 0xbf],
  [0xed, 0xa0, 0x80],
  [0xed, 0xbf, 0xbf],
  [0xee, 0x80, 0x80],
  [0xef, 0xbf, 0xbf],
  [0xf0, 0x80, 0x80, 0x80],
  [0xf0, 0x8f, 0xbf, 0xbf],
  [0xf0, 0x90, 0x80, 0x80],
  [0xf4, 0x8f, 0xbf, 0xbf],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf5, 0x80, 0x80, 0x80],
  [0xf8],
  [0xfe],
  [0xff],
  [0xe2, 0x82],
  [0xf0, 0x9f, 0x98],
  [0xc3],
];

/** Mostly well-formed text with edge sequences and random bytes mixed in. */
const utf8ish: fc.Arbitrary<Uint8Array> = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 4 }).map((s) => [...Buffer.from(s, 'utf8')]),
      fc.constantFrom(...EDGE_SEQUENCES).map((s) => [...s]),
      fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 3 }),
    ),
    { maxLength: 12 },
  )
  .map((parts) => Uint8Array.from(parts.flat()));

describe('firstInvalidUtf8', () => {
  it('agrees with a fatal TextDecoder on validity and offset for random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 48 }), (bytes) => {
        expect(firstInvalidUtf8(bytes)).toBe(reference(bytes));
      }),
      { numRuns: propertyRuns(2000) },
    );
  });

  it('agrees with a fatal TextDecoder on text mixed with edge sequences', () => {
    fc.assert(
      fc.property(utf8ish, (bytes) => {
        expect(firstInvalidUtf8(bytes)).toBe(reference(bytes));
      }),
      { numRuns: propertyRuns(3000) },
    );
  });

  it.each<[string, number[], number]>([
    ['empty input', [], -1],
    ['ASCII', [0x61, 0x62, 0x63], -1],
    ['é, 中, 😀', [...Buffer.from('é中😀')], -1],
    ['a lone 0xff', [0xff], 0],
    ['a lone continuation byte', [0x61, 0x80], 1],
    ['overlong "/" (0xc0 0xaf)', [0x61, 0xc0, 0xaf], 1],
    ['overlong 3-byte (0xe0 0x9f 0xbf)', [0xe0, 0x9f, 0xbf], 0],
    ['overlong 4-byte (0xf0 0x8f 0xbf 0xbf)', [0xf0, 0x8f, 0xbf, 0xbf], 0],
    ['a truncated 3-byte sequence', [0x61, 0x62, 0xe2, 0x82], 2],
    ['a 3-byte lead followed by ASCII', [0xe2, 0x28, 0xa1], 0],
    ['surrogate U+D800 (0xed 0xa0 0x80)', [0xed, 0xa0, 0x80], 0],
    ['surrogate U+DFFF (0xed 0xbf 0xbf) after é', [0xc3, 0xa9, 0xed, 0xbf, 0xbf], 2],
    ['U+D7FF, the last before the surrogates', [0xed, 0x9f, 0xbf], -1],
    ['U+E000, the first after the surrogates', [0xee, 0x80, 0x80], -1],
    ['U+10FFFF, the last code point', [0xf4, 0x8f, 0xbf, 0xbf], -1],
    ['beyond U+10FFFF (0xf4 0x90 0x80 0x80)', [0xf4, 0x90, 0x80, 0x80], 0],
    ['a 0xf5 lead byte', [0xf5, 0x80, 0x80, 0x80], 0],
    ['invalid after valid 4-byte emoji', [0xf0, 0x9f, 0x98, 0x80, 0x61, 0xff], 5],
  ])('returns the offset for %s', (_label, bytes, expected) => {
    expect(firstInvalidUtf8(Uint8Array.from(bytes))).toBe(expected);
  });
});
