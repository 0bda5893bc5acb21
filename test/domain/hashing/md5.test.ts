import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { md5Hex } from '../../../src/domain/hashing/md5';
import { propertyRuns } from '../../support/property-runs';

function nodeMd5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/** Any UTF-16 code unit, so strings may hold lone high or low surrogates. */
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u));
/** Characters of every UTF-8 width, plus both halves of a surrogate pair on their own. */
const mixedWidth = fc.constantFrom(
  'a',
  '~',
  'é',
  'ß',
  '€',
  '中',
  '\uffff',
  '😀',
  '\u{10ffff}',
  '\ud800',
  '\udfff',
  '\u0000',
);

describe('md5Hex', () => {
  it.each([
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['a', '0cc175b9c0f1b6a831c399e269772661'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
    ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
    [
      '12345678901234567890123456789012345678901234567890123456789012345678901234567890',
      '57edf4a22be3c955ac49da2e2107b67a',
    ],
  ])('hashes the RFC 1321 test vector %p', (text, digest) => {
    expect(md5Hex(text)).toBe(digest);
  });

  it('hashes the UTF-8 bytes of non-ASCII text, not its UTF-16 units', () => {
    const utf8Bytes = (bytes: number[]): string => createHash('md5').update(Buffer.from(bytes)).digest('hex');
    expect(md5Hex('é')).toBe(utf8Bytes([0xc3, 0xa9]));
    // printf '\xc3\xa9' | md5sum
    expect(md5Hex('é')).toBe('66ddcd97cfdeabb2f6fb8a999b4bc76f');
    expect(md5Hex('€')).toBe(utf8Bytes([0xe2, 0x82, 0xac]));
    expect(md5Hex('😀')).toBe(utf8Bytes([0xf0, 0x9f, 0x98, 0x80]));
  });

  it('always gives 32 lowercase hex characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(md5Hex(text)).toMatch(/^[0-9a-f]{32}$/);
      }),
    );
  });

  it('equals node:crypto for every ASCII length from 0 to 300 bytes (crossing the 55/56/64-byte block edges)', () => {
    for (let n = 0; n <= 300; n++) {
      const text = 'x'.repeat(n);
      expect([n, md5Hex(text)]).toEqual([n, nodeMd5(text)]);
    }
  });

  it('equals node:crypto when multi-byte characters end right at the 55/56/64-byte block edges', () => {
    for (const ch of ['é', '€', '😀']) {
      for (let pad = 40; pad <= 130; pad++) {
        const text = 'p'.repeat(pad) + ch;
        expect([text.length, md5Hex(text)]).toEqual([text.length, nodeMd5(text)]);
        const before = ch + 'q'.repeat(pad);
        expect([before.length, md5Hex(before)]).toEqual([before.length, nodeMd5(before)]);
      }
    }
  });

  it('encodes a lone surrogate as U+FFFD, like node:crypto and TextEncoder', () => {
    for (const text of ['\ud800', '\udc00', 'a\ud83db', '\ude00\ud83d', 'x\udbff']) {
      expect(md5Hex(text)).toBe(nodeMd5(text));
      expect(md5Hex(text)).toBe(createHash('md5').update(new TextEncoder().encode(text)).digest('hex'));
    }
  });

  it('equals node:crypto on arbitrary code points', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        expect(md5Hex(text)).toBe(nodeMd5(text));
      }),
      { numRuns: propertyRuns(500) },
    );
  });

  it('equals node:crypto on arbitrary UTF-16, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: anyCodeUnit, maxLength: 200 }), (text) => {
        expect(md5Hex(text)).toBe(nodeMd5(text));
      }),
      { numRuns: propertyRuns(500) },
    );
  });

  it('equals node:crypto on mixed-width text whose byte length lands around block edges', () => {
    fc.assert(
      fc.property(fc.string({ unit: mixedWidth, minLength: 10, maxLength: 45 }), (text) => {
        expect(md5Hex(text)).toBe(nodeMd5(text));
      }),
      { numRuns: propertyRuns(1_000) },
    );
  });

  it('is not affected by a longer text hashed before it', () => {
    const long = '€'.repeat(5_000);
    expect(md5Hex(long)).toBe(nodeMd5(long));
    expect(md5Hex('abc')).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(md5Hex('')).toBe('d41d8cd98f00b204e9800998ecf8427e');
  });

  it('hashes a text of several megabytes like node:crypto', () => {
    const text = 'hexstream|'.repeat(300_000) + '😀';
    expect(md5Hex(text)).toBe(nodeMd5(text));
  });
});
