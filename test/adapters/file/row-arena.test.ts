import fc from 'fast-check';
import { ChunkPool, RowArena, type ByteAppender } from '../../../src/adapters/file/row-arena';
import { JsonLineEncoder } from '../../../src/adapters/file/json-line-encoder';
import { rowRenderer } from '../../../src/adapters/encoding/row-json';
import { aggOrderWindowTable } from '../../../src/domain/jobs/orders.job';
import { propertyRuns } from '../../support/property-runs';

/** Collects what an arena writes out, as text. */
class Collected implements ByteAppender {
  readonly parts: Buffer[] = [];
  append(src: Buffer, start: number, end: number): void {
    this.parts.push(Buffer.from(src.subarray(start, end)));
  }
  text(): string {
    return Buffer.concat(this.parts).toString('latin1');
  }
}

function bytes(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

function read(arena: RowArena, handle: number): string {
  const out = new Collected();
  arena.writeTo(handle, out);
  return out.text();
}

describe('RowArena', () => {
  it('gives each value its own slot: 8 bytes of header, the value, 8 of slack', () => {
    const arena = new RowArena(new ChunkPool(64));
    const a = arena.put(bytes('hello'), 5);
    const b = arena.put(bytes('world!'), 6);
    expect(a).toBe(0);
    expect(b).toBe(8 + 5 + 8);
    expect(read(arena, a)).toBe('hello');
    expect(read(arena, b)).toBe('world!');
    expect(arena.bytes).toBe(64);
  });

  it('stores only the first `length` bytes of the source', () => {
    const arena = new RowArena(new ChunkPool(64));
    expect(read(arena, arena.put(bytes('abcdef'), 3))).toBe('abc');
  });

  it('writes over the previous slot while the value fits its capacity, else takes a new slot', () => {
    const arena = new RowArena(new ChunkPool(128));
    const first = arena.put(bytes('12345'), 5); // capacity 13
    const other = arena.put(bytes('x'), 1);
    expect(arena.put(bytes('1234567890123'), 13, first)).toBe(first);
    expect(read(arena, first)).toBe('1234567890123');
    expect(arena.put(bytes('ab'), 2, first)).toBe(first);
    expect(read(arena, first)).toBe('ab');
    const moved = arena.put(bytes('12345678901234'), 14, first);
    expect(moved).toBe(8 + 13 + 8 + 9);
    expect(read(arena, moved)).toBe('12345678901234');
    expect(read(arena, other)).toBe('x');
  });

  it('starts a new chunk when a slot does not fit; handles of chunk k start at k × 2^24', () => {
    const arena = new RowArena(new ChunkPool(32));
    const a = arena.put(bytes('0123456789'), 10); // 26 bytes of 32
    const b = arena.put(bytes('abc'), 3); // 19 more: next chunk
    expect(a).toBe(0);
    expect(b).toBe(2 ** 24);
    expect(arena.bytes).toBe(64);
    expect(read(arena, a)).toBe('0123456789');
    expect(read(arena, b)).toBe('abc');
  });

  it('gives a value larger than a chunk a chunk of its own, which is not pooled', () => {
    const pool = new ChunkPool(32);
    const arena = new RowArena(pool);
    const big = 'x'.repeat(100);
    const h = arena.put(bytes(big), 100);
    expect(h).toBe(0);
    expect(arena.bytes).toBe(116);
    expect(read(arena, h)).toBe(big);
    arena.release();
    expect(pool.size).toBe(0);
  });

  it('hands its chunks back on release, and the next arena reuses them', () => {
    const pool = new ChunkPool(32, 1);
    const arena = new RowArena(pool);
    arena.put(bytes('0123456789'), 10);
    arena.put(bytes('0123456789'), 10);
    arena.release();
    expect(arena.bytes).toBe(0);
    expect(pool.size).toBe(1); // at most maxFree kept
    const next = new RowArena(pool);
    next.put(bytes('z'), 1);
    expect(pool.size).toBe(0);
    expect(read(next, 0)).toBe('z');
  });

  it('names a slot that is not there', () => {
    const arena = new RowArena(new ChunkPool(32));
    expect(() => read(arena, 2 ** 24)).toThrow('no slot 16777216 in this arena');
  });

  it('refuses a chunk larger than a handle spans', () => {
    expect(() => new ChunkPool(2 ** 24 + 1)).toThrow(RangeError);
  });

  it('holds what was put last under each key, whatever the sizes (against a Map of strings)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 7 }), fc.string({ maxLength: 40 })), { maxLength: 60 }),
        (puts) => {
          const arena = new RowArena(new ChunkPool(64));
          const slots = new Map<number, number>();
          const expected = new Map<number, string>();
          for (const [key, value] of puts) {
            const b = bytes(value);
            slots.set(key, arena.put(b, b.length, slots.get(key)));
            expected.set(key, b.toString('latin1'));
          }
          for (const [key, value] of expected) expect(read(arena, slots.get(key) as number)).toBe(value);
        },
      ),
      { numRuns: propertyRuns(200) },
    );
  });
});

describe('JsonLineEncoder with an arena', () => {
  it('moves a row into the arena and appends it back byte for byte', () => {
    const render = rowRenderer(aggOrderWindowTable);
    const row = {
      key: 'k',
      finalAtMs: 60_000,
      values: {
        rowkey: '0123456789abcdef0123456789abcdef',
        window_start: 1_735_689_600_000,
        window_end: 1_735_689_660_000,
        region: 'ID',
        shop_id: 100278,
        item_id: 126858,
        total_expenditure: 4394,
        total_items_sold: 13,
        total_orders: 1,
        first_event_at: 1_735_689_600_000,
        last_event_at: 1_735_689_600_109,
      },
    };
    const enc = new JsonLineEncoder(aggOrderWindowTable, 16);
    const arena = new RowArena();
    enc.encode(row, 1_735_689_700_000);
    const slot = enc.moveInto(arena);
    expect(enc.length).toBe(0);
    arena.writeTo(slot, enc);
    arena.writeTo(slot, enc);
    const line = `${render(row, 1_735_689_700_000)}\n`;
    expect(enc.encoded().toString('utf8')).toBe(line + line);
    enc.clear();
    expect(enc.length).toBe(0);
    expect(enc.encoded().length).toBe(0);
  });
});
