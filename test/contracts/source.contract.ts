import type { SourceRecord } from '../../src/domain/records';
import type { SourceBatch, SourcePort } from '../../src/ports/source.port';

/** A source under test over the given partitions (partition id → record values, in order). */
export interface SourceUnderTest {
  readonly source: SourcePort;
  cleanup(): Promise<void>;
}

export type SourceFactory = (partitions: ReadonlyMap<number, readonly string[]>) => Promise<SourceUnderTest>;

export interface SourceCapabilities {
  /** A bounded source ends (`endedPartitions`, `exhausted`); an unbounded one never does. */
  readonly bounded: boolean;
}

/** Safety net so a broken source fails the test instead of looping for ever. */
const MAX_POLLS = 10_000;
/** Polls an unbounded source gets after delivering everything, to show nothing more arrives. */
const EXTRA_POLLS = 5;
const WAIT_MS = 5;

interface Drained {
  readonly batches: readonly SourceBatch[];
  readonly records: readonly SourceRecord[];
}

/**
 * Polls until the source is exhausted (bounded) or has delivered `expected` records and then
 * `EXTRA_POLLS` more batches (unbounded), so over-delivery is seen in both cases.
 */
async function drain(source: SourcePort, maxRecords: number, expected: number, bounded: boolean): Promise<Drained> {
  const batches: SourceBatch[] = [];
  const records: SourceRecord[] = [];
  let extra = 0;
  for (let polls = 0; polls < MAX_POLLS; polls++) {
    const batch = await source.poll(maxRecords, WAIT_MS);
    batches.push(batch);
    records.push(...batch.records);
    if (bounded && batch.exhausted) return { batches, records };
    if (!bounded && records.length >= expected && extra++ >= EXTRA_POLLS) return { batches, records };
  }
  throw new Error(`source did not finish within ${MAX_POLLS} polls (got ${records.length} of ${expected} records)`);
}

function total(partitions: ReadonlyMap<number, readonly string[]>): number {
  let n = 0;
  for (const values of partitions.values()) n += values.length;
  return n;
}

/** Per partition: the [position, value] pairs in arrival order. */
function byPartition(records: readonly SourceRecord[]): Map<number, [number, string | undefined][]> {
  const out = new Map<number, [number, string | undefined][]>();
  for (const r of records) {
    const list = out.get(r.partition) ?? [];
    list.push([r.position, r.value]);
    out.set(r.partition, list);
  }
  return out;
}

/** What a source over `partitions` must deliver when started at `from` (default: all at 0). */
function expectedPairs(
  partitions: ReadonlyMap<number, readonly string[]>,
  from: ReadonlyMap<number, number> = new Map(),
): Map<number, [number, string][]> {
  const out = new Map<number, [number, string][]>();
  for (const [p, values] of partitions) {
    const start = from.get(p) ?? 0;
    const pairs = values.map((v, i): [number, string] => [i, v]).slice(start);
    if (pairs.length > 0) out.set(p, pairs);
  }
  return out;
}

function partitionsOf(entries: readonly (readonly string[])[]): Map<number, readonly string[]> {
  return new Map(entries.map((values, p) => [p, values]));
}

function lettered(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `{"${prefix}":${i}}`);
}

const THREE_PARTITIONS = partitionsOf([lettered('a', 7), lettered('b', 3), lettered('c', 12)]);

/**
 * The SourcePort contract (see src/ports/source.port.ts), run once per adapter. Partition ids given
 * to the factory are 0..n-1; values hold no line breaks, so line-based sources can store them.
 */
export function describeSourceContract(name: string, factory: SourceFactory, capabilities: SourceCapabilities): void {
  const { bounded } = capabilities;

  async function withSource<T>(
    partitions: ReadonlyMap<number, readonly string[]>,
    body: (source: SourcePort) => Promise<T>,
  ): Promise<T> {
    const { source, cleanup } = await factory(partitions);
    try {
      return await body(source);
    } finally {
      await source.close();
      await cleanup();
    }
  }

  async function readAll(
    partitions: ReadonlyMap<number, readonly string[]>,
    maxRecords: number,
    from: ReadonlyMap<number, number> = new Map(),
  ): Promise<Drained> {
    return withSource(partitions, async (source) => {
      await source.open(from);
      let expected = 0;
      for (const pairs of expectedPairs(partitions, from).values()) expected += pairs.length;
      return drain(source, maxRecords, expected, bounded);
    });
  }

  describe(`SourcePort contract: ${name}`, () => {
    it('open() returns every partition, including empty ones', async () => {
      const partitions = partitionsOf([['x'], [], ['y', 'z']]);
      const opened = await withSource(partitions, (source) => source.open(new Map()));
      expect([...opened].sort((a, b) => a - b)).toEqual([0, 1, 2]);
    });

    it('delivers each partition in order with positions 0..n-1 and the exact values', async () => {
      const { records } = await readAll(THREE_PARTITIONS, 1000);
      expect(byPartition(records)).toEqual(expectedPairs(THREE_PARTITIONS));
    });

    it.each([1, 2, 5])('delivers every record exactly once when polled %i at a time', async (maxRecords) => {
      const { records } = await readAll(THREE_PARTITIONS, maxRecords);
      const ids = records.map((r) => `${r.partition}:${r.position}`);
      expect(new Set(ids).size).toBe(ids.length);
      expect(records).toHaveLength(total(THREE_PARTITIONS));
      expect(byPartition(records)).toEqual(expectedPairs(THREE_PARTITIONS));
    });

    it.each([1, 2, 5])(
      'returns at most %i records per poll, strictly increasing per partition within a batch',
      async (maxRecords) => {
        const { batches } = await readAll(THREE_PARTITIONS, maxRecords);
        for (const batch of batches) {
          expect(batch.records.length).toBeLessThanOrEqual(maxRecords);
          const last = new Map<number, number>();
          for (const r of batch.records) {
            expect(r.position).toBeGreaterThan(last.get(r.partition) ?? -1);
            last.set(r.partition, r.position);
          }
        }
      },
    );

    it('delivers nothing and fails nothing for empty partitions', async () => {
      const partitions = partitionsOf([[], ['only'], []]);
      const { records } = await readAll(partitions, 10);
      expect(records.map((r) => [r.partition, r.position, r.value])).toEqual([[1, 0, 'only']]);
    });

    it('keeps unicode values intact (emoji, CJK, combining marks, RTL, U+2028, a BOM inside the data)', async () => {
      const values = [
        '{"region":"東京"}',
        '😀👩‍👩‍👧‍👦 🇫🇷',
        'e\u0301 café naïve',
        '\uFEFFnot at the start',
        'שלום مرحبا',
        'line\u2028sep\u2029par',
        'tab\there',
        '"quoted" \\ back',
      ];
      const partitions = partitionsOf([values, ['Ünïcødé 𝄞']]);
      const { records } = await readAll(partitions, 3);
      expect(byPartition(records)).toEqual(expectedPairs(partitions));
      expect(records.every((r) => r.decodeError === undefined)).toBe(true);
    });

    it('starts a partition at the resume position given to open()', async () => {
      const from = new Map([
        [0, 4],
        [2, 11],
      ]);
      const { records } = await readAll(THREE_PARTITIONS, 4, from);
      expect(byPartition(records)).toEqual(expectedPairs(THREE_PARTITIONS, from));
    });

    it('resumes a partition at its end with nothing more to deliver', async () => {
      const partitions = partitionsOf([lettered('a', 3), lettered('b', 2)]);
      const from = new Map([[0, 3]]);
      const { records } = await readAll(partitions, 10, from);
      expect(byPartition(records)).toEqual(
        new Map([
          [
            1,
            [
              [0, '{"b":0}'],
              [1, '{"b":1}'],
            ],
          ],
        ]),
      );
    });

    it.each([1, 3, 7])(
      'continues without gap or repeat when reopened at the positions after %i polls',
      async (polls) => {
        const first = await withSource(THREE_PARTITIONS, async (source) => {
          await source.open(new Map());
          const got: SourceRecord[] = [];
          for (let i = 0; i < polls; i++) got.push(...(await source.poll(2, WAIT_MS)).records);
          return got;
        });
        // The resume point is the next position to read: last delivered + 1.
        const next = new Map<number, number>();
        for (const r of first) next.set(r.partition, r.position + 1);
        const { records: second } = await readAll(THREE_PARTITIONS, 3, next);
        expect(byPartition([...first, ...second])).toEqual(expectedPairs(THREE_PARTITIONS));
      },
    );

    it('keeps delivering in order after acknowledge(), which is not a resume point', async () => {
      const partitions = partitionsOf([lettered('a', 6)]);
      const records = await withSource(partitions, async (source) => {
        await source.open(new Map());
        const got: SourceRecord[] = [...(await source.poll(2, WAIT_MS)).records];
        await source.acknowledge(new Map([[0, 5]]));
        got.push(...(await drain(source, 2, 6 - got.length, bounded)).records);
        return got;
      });
      expect(byPartition(records)).toEqual(expectedPairs(partitions));
    });

    if (bounded) {
      it('reports each partition ended exactly once, after its last record, then exhausted', async () => {
        const partitions = partitionsOf([lettered('a', 5), [], lettered('c', 2)]);
        const { batches, records } = await readAll(partitions, 2);
        const ended: number[] = [];
        const seen: SourceRecord[] = [];
        for (const batch of batches) {
          seen.push(...batch.records);
          for (const p of batch.endedPartitions) {
            ended.push(p);
            // Everything of p has been delivered by the time p is reported ended.
            expect(seen.filter((r) => r.partition === p)).toHaveLength((partitions.get(p) ?? []).length);
          }
        }
        expect([...ended].sort((a, b) => a - b)).toEqual([0, 1, 2]);
        expect(records).toHaveLength(7);
      });

      it('reports a partition resumed at its end as ended', async () => {
        const partitions = partitionsOf([lettered('a', 3), lettered('b', 1)]);
        const { batches } = await readAll(partitions, 10, new Map([[0, 3]]));
        expect(batches.flatMap((b) => b.endedPartitions).sort((a, b) => a - b)).toEqual([0, 1]);
      });

      it('keeps returning an empty exhausted batch once exhausted', async () => {
        const partitions = partitionsOf([lettered('a', 2), lettered('b', 1)]);
        const after = await withSource(partitions, async (source) => {
          await source.open(new Map());
          await drain(source, 10, 3, true);
          const more: SourceBatch[] = [];
          for (let i = 0; i < 3; i++) more.push(await source.poll(10, WAIT_MS));
          return more;
        });
        // `lag`, where a source reports it, must be zero everywhere once everything is delivered.
        for (const b of after) for (const n of (b.lag ?? new Map<number, number>()).values()) expect(n).toBe(0);
        expect(after.map(({ lag: _lag, ...rest }) => rest)).toEqual(
          [0, 1, 2].map(() => ({ records: [], endedPartitions: [], exhausted: true })),
        );
      });
    } else {
      it('never ends a partition nor reports exhausted, and returns empty batches once caught up', async () => {
        const partitions = partitionsOf([lettered('a', 2), []]);
        const { batches } = await readAll(partitions, 10);
        expect(batches.some((b) => b.exhausted || b.endedPartitions.length > 0)).toBe(false);
        expect(batches.slice(-EXTRA_POLLS).every((b) => b.records.length === 0)).toBe(true);
      });
    }
  });
}
