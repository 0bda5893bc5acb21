import fc from 'fast-check';
import type { DeadLetter } from '../../../src/domain/records';
import { StreamEngine } from '../../../src/domain/engine/stream-engine';
import { ordersJob } from '../../../src/domain/jobs/orders.job';
import { slidingWindows } from '../../../src/domain/windowing/window-spec';
import { propertyRuns } from '../../support/property-runs';

const valid = (id: number, t: number): string =>
  JSON.stringify({ orderid: id, itemid: 100001, shopid: 100002, region: 'TW', count: 2, price: 1.25, timestamp: t });

/** Mutations of a valid record and free-form garbage: what a broken producer sends. */
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.json(),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc
    .record({
      orderid: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null), fc.constant(-1)),
      itemid: fc.oneof(fc.nat(), fc.string()),
      shopid: fc.oneof(fc.nat(), fc.constant(2 ** 60)),
      region: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.integer(), fc.constant('')),
      count: fc.oneof(fc.integer({ min: -5, max: 200 }), fc.double(), fc.constant('3')),
      price: fc.oneof(
        fc.double(),
        fc.constant(Number.POSITIVE_INFINITY),
        fc.constant(-0.5),
        fc.constant(1.005),
        fc.constant('9.99'),
      ),
      timestamp: fc.oneof(
        fc.double({ min: 0, max: 5e12 }),
        fc.constant(1735689600123),
        fc.constant(946684799),
        fc.constant('2025-01-01'),
      ),
    })
    .map((o) =>
      JSON.stringify(o).replace('{', '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},'),
    ),
  fc.nat({ max: 1000 }).map((n) => valid(n, 1735689600 + n).slice(0, n % 60)),
  fc.constant('{"a":'.repeat(5000)),
  fc.constant('\u0000\u0000'),
);

describe('hostile input', () => {
  it('never throws and accounts for every record exactly once', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            hostile,
            fc.nat({ max: 500 }).map((n) => valid(n, 1735689600 + n)),
          ),
          { maxLength: 150 },
        ),
        (lines) => {
          const engine = new StreamEngine(ordersJob, {
            window: slidingWindows(60_000, 30_000),
            watermarkMs: 5_000,
            outputMode: 'update',
          });
          const dead: DeadLetter[] = [];
          lines.forEach((value, position) => engine.process({ partition: 0, position, value }));
          engine.finish();
          dead.push(...engine.trigger().deadLetters);
          const c = engine.stats();
          expect(c.read).toBe(lines.length);
          expect(c.blank + c.accepted + c.invalid + c.late + c.duplicate).toBe(lines.length);
          expect(dead).toHaveLength(c.invalid + c.late + c.duplicate);
          for (const d of dead) {
            expect(d.detail.length).toBeGreaterThan(5);
            const line = lines[d.position] ?? '';
            // A dead letter keeps at most 4 KiB of its record, and then says how long it was.
            if (d.rawBytes === undefined) expect(d.raw).toBe(line);
            else
              expect([d.rawBytes, line.startsWith(d.raw), Buffer.byteLength(d.raw) <= 4096]).toEqual([
                Buffer.byteLength(line),
                true,
                true,
              ]);
          }
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        },
      ),
      { numRuns: propertyRuns(300) },
    );
  });
});
