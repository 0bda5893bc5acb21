/** Where an arena's bytes are copied to when written out. */
export interface ByteAppender {
  append(src: Buffer, start: number, end: number): void;
}

/** Bytes of slack a slot keeps after its first value: a row written again rarely grows by more. */
const SLACK = 8;
/** Each slot starts with its length and its capacity, 4 bytes each. */
const HEADER = 8;

/**
 * Encoded rows held until they are written, in large buffers outside the JavaScript heap, each row
 * in a slot named by a number (its handle). A row upserted again is written over its slot when it
 * fits (its capacity is its first length plus a few bytes), else into a new slot; the whole arena is
 * dropped at once. Rows kept as objects until their window closed lived long enough to be promoted
 * to the old generation, and the garbage they left there (one object tree per update) grew the heap
 * to several times what was live between full collections.
 *
 *   chunk 0: [len|cap|bytes…+slack][len|cap|bytes…] …   handle = chunk × CHUNK_SPAN + offset
 */
export class RowArena {
  private chunks: Buffer[] = [];
  private used = 0;

  constructor(private readonly pool: ChunkPool = new ChunkPool()) {}

  /** Hands the chunks back to the pool; the arena is empty after this, its handles void. */
  release(): void {
    for (const c of this.chunks) this.pool.give(c);
    this.chunks = [];
    this.used = 0;
  }

  /** Bytes held in all chunks (capacity, not only what slots use). */
  get bytes(): number {
    let n = 0;
    for (const c of this.chunks) n += c.length;
    return n;
  }

  /**
   * Stores `src[0, length)`: over the slot `previous` when it fits, else in a new slot. Returns the
   * handle of the slot holding it.
   */
  put(src: Buffer, length: number, previous?: number): number {
    if (previous !== undefined) {
      const chunk = this.chunkOf(previous);
      const at = previous % CHUNK_SPAN;
      if (length <= chunk.readUInt32LE(at + 4)) {
        chunk.writeUInt32LE(length, at);
        src.copy(chunk, at + HEADER, 0, length);
        return previous;
      }
    }
    const capacity = length + SLACK;
    const need = HEADER + capacity;
    let chunk = this.chunks[this.chunks.length - 1];
    if (chunk === undefined || this.used + need > chunk.length) {
      // A row larger than a chunk gets a chunk of its own.
      chunk = this.pool.take(need);
      this.chunks.push(chunk);
      this.used = 0;
    }
    const at = this.used;
    chunk.writeUInt32LE(length, at);
    chunk.writeUInt32LE(capacity, at + 4);
    src.copy(chunk, at + HEADER, 0, length);
    this.used += need;
    return (this.chunks.length - 1) * CHUNK_SPAN + at;
  }

  /** Appends the bytes of slot `handle` to `out`. */
  writeTo(handle: number, out: ByteAppender): void {
    const chunk = this.chunkOf(handle);
    const at = handle % CHUNK_SPAN;
    out.append(chunk, at + HEADER, at + HEADER + chunk.readUInt32LE(at));
  }

  private chunkOf(handle: number): Buffer {
    const chunk = this.chunks[Math.floor(handle / CHUNK_SPAN)];
    if (chunk === undefined) throw new RangeError(`no slot ${handle} in this arena`);
    return chunk;
  }
}

/**
 * Offsets a handle may name within one chunk. A slot starts below it (a row larger than a chunk has
 * a chunk of its own, at offset 0), and the handles of the first 127 chunks stay small integers,
 * which a Map holds without a boxed number.
 */
const CHUNK_SPAN = 2 ** 24;

/**
 * Chunks of arenas that were released, for the next arena to use. Allocating and freeing chunks of a
 * megabyte as windows come and go raises glibc's mmap threshold, after which they come from its
 * heap, which does not shrink: the pool keeps RSS at what the arenas needed at once.
 */
export class ChunkPool {
  private readonly free: Buffer[] = [];

  constructor(
    /** Bytes of a chunk; a slot larger than this gets a chunk of its own (not pooled). */
    readonly chunkBytes = 1 << 20,
    /** Chunks kept for reuse at most (beyond, a released chunk is left to the garbage collector). */
    private readonly maxFree = 256,
  ) {
    if (chunkBytes > CHUNK_SPAN) throw new RangeError(`chunk of ${chunkBytes} bytes is larger than a handle spans`);
  }

  /** Chunks held for reuse. */
  get size(): number {
    return this.free.length;
  }

  /** A chunk of at least `bytes`: a pooled one when they are large enough. */
  take(bytes: number): Buffer {
    if (bytes > this.chunkBytes) return Buffer.allocUnsafe(bytes);
    return this.free.pop() ?? Buffer.allocUnsafe(this.chunkBytes);
  }

  give(chunk: Buffer): void {
    if (chunk.length === this.chunkBytes && this.free.length < this.maxFree) this.free.push(chunk);
  }
}
