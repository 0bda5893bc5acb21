/**
 * MD5 (RFC 1321) of the UTF-8 bytes of a string, as 32 lowercase hex characters.
 *
 * Written out here so the domain needs no Node module: row keys are part of a job's meaning and must
 * be computable wherever the core runs. Tested against node:crypto and the RFC's test vectors.
 */
const S = [
  7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 4,
  11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
];
const K = new Int32Array(64);
for (let i = 0; i < 64; i++) K[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 0x100000000) | 0;

let bytes = new Uint8Array(256);
const words = new Int32Array(16);
/** The digest so far: A, B, C, D. */
const state = new Int32Array(4);

/** Row keys are short ASCII strings: copy them without the UTF-8 encoder. */
function isShortAscii(text: string): boolean {
  if (text.length > 128) return false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
}

function asciiInto(text: string): number {
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return text.length;
}

function utf8Into(text: string): number {
  // Worst case 3 bytes per UTF-16 unit, plus 72 bytes of padding and length.
  if (bytes.length < text.length * 3 + 72) bytes = new Uint8Array(text.length * 3 + 72);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      bytes[n++] = c;
    } else if (c < 0x800) {
      bytes[n++] = 0xc0 | (c >> 6);
      bytes[n++] = 0x80 | (c & 63);
    } else if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      c = 0x10000 + ((c - 0xd800) << 10) + (text.charCodeAt(++i) - 0xdc00);
      bytes[n++] = 0xf0 | (c >> 18);
      bytes[n++] = 0x80 | ((c >> 12) & 63);
      bytes[n++] = 0x80 | ((c >> 6) & 63);
      bytes[n++] = 0x80 | (c & 63);
    } else {
      if (c >= 0xd800 && c < 0xe000) c = 0xfffd; // lone surrogate: what TextEncoder writes
      bytes[n++] = 0xe0 | (c >> 12);
      bytes[n++] = 0x80 | ((c >> 6) & 63);
      bytes[n++] = 0x80 | (c & 63);
    }
  }
  return n;
}

export function md5Hex(text: string): string {
  const len = isShortAscii(text) ? asciiInto(text) : utf8Into(text);
  const total = pad(len);
  state[0] = 0x67452301;
  state[1] = 0xefcdab89;
  state[2] = 0x98badcfe;
  state[3] = 0x10325476;
  for (let off = 0; off < total; off += 64) compress(off);
  return hexOfState();
}

/** Lowercase hex digits by value. */
const DIGIT = [0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66];
const hex = new Array<number>(32).fill(0);

/**
 * The digest as one flat string of 32 characters. Concatenating hex pieces instead leaves a tree of
 * strings (three cons cells over four 8-character leaves, several times the size), which a row key
 * held until its window closes would keep, and which every Map lookup by it flattens into a copy.
 */
function hexOfState(): string {
  for (let w = 0; w < 4; w++) {
    const v = state[w] as number;
    // Little-endian: the digest's bytes are each word's low byte first.
    for (let b = 0; b < 4; b++) {
      const byte = (v >>> (8 * b)) & 0xff;
      hex[w * 8 + b * 2] = DIGIT[byte >>> 4] as number;
      hex[w * 8 + b * 2 + 1] = DIGIT[byte & 15] as number;
    }
  }
  return String.fromCharCode.apply(null, hex);
}

/** Appends the padding and the bit length after the `len` message bytes; returns the padded length. */
function pad(len: number): number {
  const total = (((len + 8) >> 6) + 1) << 6;
  bytes.fill(0, len, total);
  bytes[len] = 0x80;
  const bits = len * 8;
  bytes[total - 8] = bits & 0xff;
  bytes[total - 7] = (bits >>> 8) & 0xff;
  bytes[total - 6] = (bits >>> 16) & 0xff;
  bytes[total - 5] = (bits >>> 24) & 0xff;
  const high = Math.floor(bits / 0x100000000);
  bytes[total - 4] = high & 0xff;
  bytes[total - 3] = (high >>> 8) & 0xff;
  return total;
}

/** Folds the 64-byte block at `off` into `state`. */
function compress(off: number): void {
  for (let w = 0; w < 16; w++) {
    const p = off + w * 4;
    words[w] =
      (bytes[p] as number) |
      ((bytes[p + 1] as number) << 8) |
      ((bytes[p + 2] as number) << 16) |
      ((bytes[p + 3] as number) << 24);
  }
  let a = state[0] as number;
  let b = state[1] as number;
  let c = state[2] as number;
  let d = state[3] as number;
  for (let i = 0; i < 64; i++) {
    let f: number;
    let g: number;
    if (i < 16) {
      f = (b & c) | (~b & d);
      g = i;
    } else if (i < 32) {
      f = (d & b) | (~d & c);
      g = (5 * i + 1) & 15;
    } else if (i < 48) {
      f = b ^ c ^ d;
      g = (3 * i + 5) & 15;
    } else {
      f = c ^ (b | ~d);
      g = (7 * i) & 15;
    }
    const x = (a + f + (K[i] as number) + (words[g] as number)) | 0;
    const s = S[i] as number;
    a = d;
    d = c;
    c = b;
    b = (b + ((x << s) | (x >>> (32 - s)))) | 0;
  }
  state[0] = ((state[0] as number) + a) | 0;
  state[1] = ((state[1] as number) + b) | 0;
  state[2] = ((state[2] as number) + c) | 0;
  state[3] = ((state[3] as number) + d) | 0;
}
