import type { EngineCheckpoint, PartitionCheckpoint } from '../../src/domain/engine/engine-checkpoint';
import { aggOrderWindowTable, orderRowKey } from '../../src/domain/jobs/orders.job';
import type { ColumnValue, DeadLetter, ResultRow } from '../../src/domain/records';
import { MemoryDeadLetters } from '../../src/adapters/memory/memory-dead-letters.adapter';
import { decodeCommitted, type CommittedState } from '../../src/domain/engine/engine-state.codec';
import {
  closeOutput,
  commitOutput,
  openOutput,
  type PipelineOutput,
  type TriggerCommit,
} from '../../src/domain/pipeline/pipeline-output';
import type { TableSchema } from '../../src/domain/table-schema';
import type { ResultStorePort } from '../../src/ports/result-store.port';

/**
 * An output under test (a result store and a dead-letter port), opened by the contract on
 * `aggOrderWindowTable` and driven through the use case's commit step (`commitOutput`).
 * `readTable` returns what the store holds in the rendered JSON shape (row key → object with the
 * table's columns; timestamps as ISO strings, decimals and integers beyond 2^53 as exact strings),
 * whatever its storage; `readDeadLetters` what the dead-letter port made durable, in order.
 */
export interface OutputUnderTest {
  readonly output: PipelineOutput;
  readTable(): Promise<Map<string, Record<string, unknown>>>;
  readDeadLetters(): Promise<Array<Record<string, unknown>>>;
  /**
   * Makes the store's next commit fail, after the trigger's dead letters were published: a crash
   * between the two. Required when the store claims to be atomic.
   */
  failNextCommit?(error: Error): void;
  cleanup(): Promise<void>;
}

/** A result store under test, without dead letters: the contract pairs it with memory ones. */
export type StoreUnderTest = Omit<OutputUnderTest, 'output' | 'readDeadLetters'> & { readonly store: ResultStorePort };

export interface OutputCapabilities {
  /** `open()` after a committed run returns the last committed positions and watermarks. */
  readonly resumes: boolean;
  /** A commit that fails leaves nothing of its rows, state or positions visible. */
  readonly atomic: boolean;
  /**
   * `exactly-once`: the letters join the store's commit (a failed one shows none of them);
   * `at-least-once`: they are durable before it (a failed one keeps them, and the retry sends them again).
   */
  readonly letters: 'exactly-once' | 'at-least-once';
}

/** The calls the use case makes on its output, as the contract's tests make them. */
interface OutputDriver {
  open(table: TableSchema): Promise<CommittedState | undefined>;
  checkpoint(): Promise<CommittedState | undefined>;
  commit(trigger: TriggerCommit): Promise<void>;
  close(): Promise<void>;
}

function driver(output: PipelineOutput): OutputDriver {
  return {
    open: async (table) => decodeCommitted(await openOutput(output, table)),
    checkpoint: async () => decodeCommitted(await output.store.checkpoint()),
    commit: (trigger) => commitOutput(output, trigger),
    close: () => closeOutput(output, 'close'),
  };
}

/** Parses one JSON object (a table row or a dead letter), failing on anything else. */
export function parseJsonObject(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`not a JSON object: ${text}`);
  return { ...value };
}

const MINUTE = 60_000;
const W0 = Date.UTC(2026, 0, 2, 3, 4, 0, 0);
const W1 = W0 + MINUTE;
const SET_BY_SINK = aggOrderWindowTable.columns.filter((c) => c.type.kind === 'writtenAt').map((c) => c.name);
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

interface OrderFixture {
  readonly row: ResultRow;
  /** The row as `readTable` must return it, without the columns the sink sets itself. */
  readonly expected: Record<string, unknown>;
}

interface OrderSpec {
  readonly windowStart: number;
  readonly region: string;
  readonly shopId: number;
  readonly itemId: number;
  readonly cents: number | bigint;
  /** `cents` as the exact decimal text the table must hold. */
  readonly expenditure: string;
  readonly items: number | bigint;
  readonly orders: number;
  readonly firstMs: number;
  readonly lastMs: number;
}

function order(spec: OrderSpec): OrderFixture {
  const end = spec.windowStart + MINUTE;
  const rowkey = orderRowKey(spec.windowStart, end, { region: spec.region, shopid: spec.shopId, itemid: spec.itemId });
  const values: Record<string, ColumnValue> = {
    rowkey,
    window_start: spec.windowStart,
    window_end: end,
    region: spec.region,
    shop_id: spec.shopId,
    item_id: spec.itemId,
    total_expenditure: spec.cents,
    total_items_sold: spec.items,
    total_orders: spec.orders,
    first_event_at: spec.firstMs,
    last_event_at: spec.lastMs,
  };
  const iso = (ms: number): string => new Date(ms).toISOString();
  return {
    row: { key: `${spec.windowStart}|${rowkey}`, finalAtMs: end, values },
    expected: {
      rowkey,
      window_start: iso(spec.windowStart),
      window_end: iso(end),
      region: spec.region,
      shop_id: spec.shopId,
      item_id: spec.itemId,
      total_expenditure: spec.expenditure,
      total_items_sold: typeof spec.items === 'bigint' ? spec.items.toString() : spec.items,
      total_orders: spec.orders,
      first_event_at: iso(spec.firstMs),
      last_event_at: iso(spec.lastMs),
    },
  };
}

const A1 = order({
  windowStart: W0,
  region: 'de',
  shopId: 1,
  itemId: 10,
  cents: 1999,
  expenditure: '19.99',
  items: 1,
  orders: 1,
  firstMs: W0 + 5_000,
  lastMs: W0 + 5_000,
});
const A2 = order({
  windowStart: W0,
  region: 'de',
  shopId: 1,
  itemId: 10,
  cents: 5997,
  expenditure: '59.97',
  items: 3,
  orders: 2,
  firstMs: W0 + 5_000,
  lastMs: W0 + 40_123,
});
// utf8mb4 region (4-byte emoji), cents beyond 32 bits, an item count beyond 2^53.
const B1 = order({
  windowStart: W0,
  region: '東京😀',
  shopId: 2,
  itemId: 20,
  cents: 123456789012,
  expenditure: '1234567890.12',
  items: 9007199254740993n,
  orders: 1,
  firstMs: W0 + 1,
  lastMs: W0 + 59_999,
});
const C1 = order({
  windowStart: W1,
  region: 'Ünïcødé',
  shopId: 3,
  itemId: 30,
  cents: 5,
  expenditure: '0.05',
  items: 1,
  orders: 1,
  firstMs: W1,
  lastMs: W1,
});
// A DECIMAL(20,2) at its full 20 digits, given as a bigint.
const C2 = order({
  windowStart: W1,
  region: 'Ünïcødé',
  shopId: 3,
  itemId: 30,
  cents: 12345678901234567891n,
  expenditure: '123456789012345678.91',
  items: 2,
  orders: 2,
  firstMs: W1,
  lastMs: W1 + 100,
});

const D0: DeadLetter = {
  reason: 'invalid',
  detail: 'price is negative: -1',
  raw: '{"orderid":1,"region":"東京 😀","note":"say \\"hi\\" \\\\"}',
  partition: 0,
  position: 4,
};
const D1: DeadLetter = {
  reason: 'late',
  detail: 'window 2026-01-02T03:03:00.000Z closed',
  raw: 'not json at all',
  partition: 1,
  position: 123_456_789,
};
const D2: DeadLetter = { reason: 'duplicate', detail: 'orderid 7 seen before', raw: '', partition: 0, position: 5 };

function trigger(
  sequence: number,
  rows: readonly OrderFixture[],
  more: {
    deadLetters?: readonly DeadLetter[];
    positions?: ReadonlyMap<number, number>;
    watermarks?: ReadonlyMap<number, number>;
    closedUpToMs?: number;
  } = {},
): TriggerCommit {
  return {
    sequence,
    rows: rows.map((f) => f.row),
    deadLetters: more.deadLetters ?? [],
    positions: more.positions ?? new Map([[0, sequence + 1]]),
    watermarks: more.watermarks ?? new Map([[0, W0 + sequence]]),
    closedUpToMs: more.closedUpToMs ?? -Infinity,
    checkpoint: engineCheckpoint(
      more.positions ?? new Map([[0, sequence + 1]]),
      more.watermarks ?? new Map([[0, W0 + sequence]]),
      more.closedUpToMs ?? -Infinity,
    ),
  };
}

/** The engine's part of a checkpoint: each partition replays from one record back. */
export function engineCheckpoint(
  positions: ReadonlyMap<number, number>,
  watermarks: ReadonlyMap<number, number>,
  closedUpToMs: number,
): EngineCheckpoint {
  const partitions = new Map<number, PartitionCheckpoint>();
  for (const [p, next] of positions) {
    const w = watermarks.get(p) ?? -Infinity;
    partitions.set(p, {
      nextPosition: next,
      watermarkMs: w,
      replayFrom: Math.max(0, next - 1),
      replayMaxEventMs: w - 1000,
      closedUpToMs,
    });
  }
  return { partitions };
}

function table(...fixtures: readonly OrderFixture[]): Map<string, Record<string, unknown>> {
  return new Map(fixtures.map((f) => [f.row.key, f.expected]));
}

function asDeadLetterObjects(letters: readonly DeadLetter[]): Array<Record<string, unknown>> {
  return letters.map((d) => ({
    reason: d.reason,
    detail: d.detail,
    raw: d.raw,
    partition: d.partition,
    position: d.position,
  }));
}

/**
 * The ResultStorePort contract (see src/ports/result-store.port.ts), run once per store adapter,
 * with memory dead letters beside it. Rows obey the port's promise: a row is never changed after
 * `closedUpToMs` has reached its `finalAtMs` (complete mode may re-emit it unchanged).
 */
export function describeResultStoreContract(
  name: string,
  factory: () => Promise<StoreUnderTest>,
  capabilities: Omit<OutputCapabilities, 'letters'>,
): void {
  describeContract(
    `ResultStorePort contract: ${name}`,
    async () => {
      const t = await factory();
      const deadLetters = new MemoryDeadLetters();
      return {
        ...t,
        output: { store: t.store, deadLetters },
        readDeadLetters: async () => asDeadLetterObjects(deadLetters.letters),
      };
    },
    { ...capabilities, letters: 'at-least-once' },
  );
}

/**
 * The same contract for a composed output (a store and the dead-letter port a mode binds beside
 * it), driven through the use case's commit step: dead letters first, then the store's commit.
 */
export function describeOutputContract(
  name: string,
  factory: () => Promise<OutputUnderTest>,
  capabilities: OutputCapabilities,
): void {
  describeContract(`output contract (commit step): ${name}`, factory, capabilities);
}

function describeContract(
  title: string,
  factory: () => Promise<OutputUnderTest>,
  capabilities: OutputCapabilities,
): void {
  async function withSink(body: (t: OutputUnderTest & { sink: OutputDriver }) => Promise<void>): Promise<void> {
    const t = await factory();
    try {
      await body({ ...t, sink: driver(t.output) });
    } finally {
      await t.cleanup();
    }
  }

  /** The table without sink-set columns, after checking those hold ISO instants. */
  async function readRows(t: OutputUnderTest): Promise<Map<string, Record<string, unknown>>> {
    const out = new Map<string, Record<string, unknown>>();
    for (const [key, row] of await t.readTable()) {
      const rest: Record<string, unknown> = { ...row };
      for (const column of SET_BY_SINK) {
        if (column in rest) expect(rest[column]).toMatch(ISO_MS);
        delete rest[column];
      }
      out.set(key, rest);
    }
    return out;
  }

  describe(title, () => {
    it('opens fresh without a checkpoint', async () => {
      await withSink(async (t) => {
        expect(await t.sink.open(aggOrderWindowTable)).toBeUndefined();
        await t.sink.close();
      });
    });

    it('holds the last value of each key after upserts across triggers', async () => {
      await withSink(async (t) => {
        await t.sink.open(aggOrderWindowTable);
        await t.sink.commit(trigger(0, [A1, B1]));
        await t.sink.commit(trigger(1, [A2, C1], { closedUpToMs: W0 + MINUTE }));
        await t.sink.commit(trigger(2, [C2], { closedUpToMs: Infinity }));
        await t.sink.close();
        expect(await readRows(t)).toEqual(table(A2, B1, C2));
      });
    });

    it('holds every row of triggers that stay open until close', async () => {
      await withSink(async (t) => {
        await t.sink.open(aggOrderWindowTable);
        await t.sink.commit(trigger(0, [A1, C1]));
        await t.sink.commit(trigger(1, [A2, B1]));
        await t.sink.close();
        expect(await readRows(t)).toEqual(table(A2, B1, C1));
      });
    });

    it('leaves the same table when the same trigger is committed twice', async () => {
      await withSink(async (t) => {
        await t.sink.open(aggOrderWindowTable);
        const first = trigger(0, [A1, B1, C1]);
        const second = trigger(1, [A2, C2], { closedUpToMs: W0 + MINUTE });
        await t.sink.commit(first);
        await t.sink.commit(first);
        await t.sink.commit(second);
        await t.sink.commit(second);
        await t.sink.close();
        expect(await readRows(t)).toEqual(table(A2, B1, C2));
      });
    });

    it('leaves the table unchanged when final rows are re-emitted unchanged (complete mode)', async () => {
      await withSink(async (t) => {
        await t.sink.open(aggOrderWindowTable);
        await t.sink.commit(trigger(0, [A2, B1, C1], { closedUpToMs: W0 + MINUTE }));
        await t.sink.commit(trigger(1, [A2, B1, C2], { closedUpToMs: W1 + MINUTE }));
        await t.sink.commit(trigger(2, [A2, B1, C2], { closedUpToMs: Infinity }));
        await t.sink.close();
        expect(await readRows(t)).toEqual(table(A2, B1, C2));
      });
    });

    it('stores the dead letters of every trigger with reason, detail, raw, partition and position', async () => {
      await withSink(async (t) => {
        await t.sink.open(aggOrderWindowTable);
        await t.sink.commit(trigger(0, [A1], { deadLetters: [D0, D1] }));
        await t.sink.commit(trigger(1, [], { deadLetters: [D2] }));
        await t.sink.close();
        expect(await t.readDeadLetters()).toEqual(asDeadLetterObjects([D0, D1, D2]));
        expect(await readRows(t)).toEqual(table(A1));
      });
    });

    it('keeps utf8mb4 text, exact decimals and integers beyond 2^53', async () => {
      await withSink(async (t) => {
        await t.sink.open(aggOrderWindowTable);
        await t.sink.commit(trigger(0, [B1, C2], { closedUpToMs: Infinity }));
        await t.sink.close();
        const rows = await readRows(t);
        expect(rows.get(B1.row.key)).toMatchObject({
          region: '東京😀',
          total_expenditure: '1234567890.12',
          total_items_sold: '9007199254740993',
        });
        expect(rows.get(C2.row.key)).toMatchObject({ region: 'Ünïcødé', total_expenditure: '123456789012345678.91' });
      });
    });

    if (capabilities.resumes) {
      it('returns the last committed positions and watermarks when reopened', async () => {
        await withSink(async (t) => {
          await t.sink.open(aggOrderWindowTable);
          await t.sink.commit(
            trigger(0, [A1], {
              positions: new Map([
                [0, 3],
                [1, 1],
              ]),
              watermarks: new Map([
                [0, W0 - 10_000],
                [1, W0 - 20_000],
              ]),
            }),
          );
          await t.sink.commit(
            trigger(1, [B1], {
              positions: new Map([
                [0, 5],
                [1, 7],
              ]),
              watermarks: new Map([
                [0, W0 + 1_500],
                [1, W0 - 7],
              ]),
            }),
          );
          await t.sink.close();
          const positions = new Map([
            [0, 5],
            [1, 7],
          ]);
          const watermarks = new Map([
            [0, W0 + 1_500],
            [1, W0 - 7],
          ]);
          expect(await t.sink.open(aggOrderWindowTable)).toEqual({
            positions,
            watermarks,
            engine: engineCheckpoint(positions, watermarks, -Infinity),
          });
          // Read again while open: the same checkpoint.
          expect(await t.sink.checkpoint()).toEqual({
            positions,
            watermarks,
            engine: engineCheckpoint(positions, watermarks, -Infinity),
          });
          await t.sink.close();
        });
      });

      it('keeps each partition as its last commit left it: a commit changes only its own partitions', async () => {
        await withSink(async (t) => {
          await t.sink.open(aggOrderWindowTable);
          // Two instances of a group close windows at different instants: each partition keeps its own.
          await t.sink.commit(
            trigger(0, [A1], {
              positions: new Map([
                [0, 3],
                [1, 4],
              ]),
              watermarks: new Map([
                [0, W0],
                [1, W0 + 1],
              ]),
              closedUpToMs: W0 + MINUTE,
            }),
          );
          await t.sink.commit(
            trigger(1, [B1], {
              positions: new Map([
                [1, 6],
                [2, 2],
              ]),
              watermarks: new Map([
                [1, W0 + 2],
                [2, -Infinity],
              ]),
              closedUpToMs: W0,
            }),
          );
          await t.sink.close();
          const first = engineCheckpoint(new Map([[0, 3]]), new Map([[0, W0]]), W0 + MINUTE).partitions;
          const second = engineCheckpoint(
            new Map([
              [1, 6],
              [2, 2],
            ]),
            new Map([
              [1, W0 + 2],
              [2, -Infinity],
            ]),
            W0,
          ).partitions;
          expect(await t.sink.open(aggOrderWindowTable)).toEqual({
            positions: new Map([
              [0, 3],
              [1, 6],
              [2, 2],
            ]),
            watermarks: new Map([
              [0, W0],
              [1, W0 + 2],
              [2, -Infinity],
            ]),
            engine: { partitions: new Map([...first, ...second]) },
          });
          await t.sink.close();
        });
      });

      it('stores a snapshot with its trigger, returns it on open, and replaces a stored one sharing a partition', async () => {
        await withSink(async (t) => {
          const big = `{"state":"${'Zürich 東京😀 \\" '.repeat(20_000)}"}`;
          await t.sink.open(aggOrderWindowTable);
          await t.sink.commit({
            ...trigger(0, [A1], {
              positions: new Map([
                [0, 3],
                [1, 4],
              ]),
            }),
            snapshot: { partitions: [1, 0], data: big },
          });
          // A commit without a snapshot leaves the stored one (the engine decides it is stale).
          await t.sink.commit(
            trigger(1, [B1], {
              positions: new Map([
                [0, 5],
                [1, 6],
              ]),
            }),
          );
          await t.sink.close();
          // Compared by length and equality: a diff of 600 kB would drown the report.
          const reopened = (await t.sink.open(aggOrderWindowTable))?.snapshots ?? [];
          expect(
            reopened.map((s) => ({ partitions: s.partitions, length: s.data.length, same: s.data === big })),
          ).toEqual([{ partitions: [0, 1], length: big.length, same: true }]);
          const at = (...ps: number[]): { positions: Map<number, number>; watermarks: Map<number, number> } => ({
            positions: new Map(ps.map((p) => [p, 9])),
            watermarks: new Map(ps.map((p) => [p, W0])),
          });
          await t.sink.commit({ ...trigger(2, [], at(2, 3)), snapshot: { partitions: [3, 2], data: 'three-two' } });
          await t.sink.commit({ ...trigger(3, [], at(1, 2)), snapshot: { partitions: [1, 2], data: 'one-two' } });
          await t.sink.close();
          const snapshots = (await t.sink.open(aggOrderWindowTable))?.snapshots ?? [];
          expect([...snapshots].sort((a, b) => (a.partitions[0] ?? 0) - (b.partitions[0] ?? 0))).toEqual([
            { partitions: [1, 2], data: 'one-two' },
          ]);
          await t.sink.close();
        });
      });

      it('keeps the committed table across a reopen and upserts into it', async () => {
        await withSink(async (t) => {
          await t.sink.open(aggOrderWindowTable);
          await t.sink.commit(trigger(0, [A1, B1]));
          await t.sink.close();
          await t.sink.open(aggOrderWindowTable);
          await t.sink.commit(trigger(0, [A2, C1]));
          await t.sink.close();
          expect(await readRows(t)).toEqual(table(A2, B1, C1));
        });
      });
    } else {
      it('opens without a checkpoint even after a committed run', async () => {
        await withSink(async (t) => {
          await t.sink.open(aggOrderWindowTable);
          await t.sink.commit(trigger(0, [A1], { positions: new Map([[0, 3]]) }));
          await t.sink.close();
          expect(await t.sink.open(aggOrderWindowTable)).toBeUndefined();
          await t.sink.close();
        });
      });

      it('holds the rows of a new run committed after a reopen', async () => {
        await withSink(async (t) => {
          await t.sink.open(aggOrderWindowTable);
          await t.sink.commit(trigger(0, [A1, B1], { closedUpToMs: Infinity }));
          await t.sink.close();
          await t.sink.open(aggOrderWindowTable);
          await t.sink.commit(trigger(0, [A2, C1]));
          await t.sink.close();
          const rows = await readRows(t);
          expect([rows.get(A2.row.key), rows.get(C1.row.key)]).toEqual([A2.expected, C1.expected]);
        });
      });
    }

    if (capabilities.atomic) {
      it('leaves no row, state or position of a failed commit visible (its letters as promised), and accepts the trigger again', async () => {
        await withSink(async (t) => {
          if (t.failNextCommit === undefined) throw new Error('an atomic store under test must provide failNextCommit');
          await t.sink.open(aggOrderWindowTable);
          await t.sink.commit(
            trigger(0, [A1], { deadLetters: [D0], positions: new Map([[0, 2]]), watermarks: new Map([[0, W0]]) }),
          );
          const failing: TriggerCommit = {
            ...trigger(1, [A2, B1], {
              deadLetters: [D1],
              positions: new Map([[0, 9]]),
              watermarks: new Map([[0, W0 + 9]]),
              closedUpToMs: Infinity,
            }),
            snapshot: { partitions: [0], data: 'state of a graceful stop' },
          };
          const boom = new Error('disk full');
          t.failNextCommit(boom);
          const error = await t.sink.commit(failing).then(
            () => undefined,
            (e: unknown) => e,
          );
          // An adapter may wrap the failure in its own error, keeping the original as the cause.
          expect(error === boom || (error instanceof Error && error.cause === boom)).toBe(true);
          await t.sink.close();
          expect(await readRows(t)).toEqual(table(A1));
          // Published before the commit that failed: kept (never lost), unless they joined its transaction.
          const once = capabilities.letters === 'exactly-once';
          expect(await t.readDeadLetters()).toEqual(asDeadLetterObjects(once ? [D0] : [D0, D1]));
          if (capabilities.resumes) {
            const positions = new Map([[0, 2]]);
            const watermarks = new Map([[0, W0]]);
            expect(await t.sink.open(aggOrderWindowTable)).toEqual({
              positions,
              watermarks,
              engine: engineCheckpoint(positions, watermarks, -Infinity),
            });
            await t.sink.commit(failing);
            await t.sink.close();
            expect((await t.sink.open(aggOrderWindowTable))?.snapshots).toEqual([
              { partitions: [0], data: 'state of a graceful stop' },
            ]);
            await t.sink.close();
            expect(await readRows(t)).toEqual(table(A2, B1));
            // The trigger again, as the re-read records make it: its letters are sent again.
            expect(await t.readDeadLetters()).toEqual(asDeadLetterObjects(once ? [D0, D1] : [D0, D1, D1]));
          }
        });
      });
    }
  });
}
