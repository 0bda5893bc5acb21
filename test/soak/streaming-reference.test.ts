import { orderPartitions } from '../support/prod-orders';
import { OrderReference, referenceOrders, type ReferenceRow } from '../support/reference-orders';

/** The soak test's reference forgets closed windows; it must still be the reference. */
describe('OrderReference handing over closed rows', () => {
  const semantics = { windowMs: 60_000, slideMs: 60_000, watermarkMs: 10_000 };

  it.each([1, 7, 42])(
    'hands over exactly the rows of referenceOrders, each once, holding few at a time (seed %i)',
    (seed) => {
      const data = orderPartitions(30_000, seed);
      const whole = referenceOrders(data, semantics);
      const handed: ReferenceRow[] = [];
      let mostHeld = 0;
      const streaming = new OrderReference(semantics, (row) => handed.push(row));
      for (const [p, lines] of data) {
        lines.forEach((line, position) => {
          streaming.add(p, position, line);
          mostHeld = Math.max(mostHeld, [...streaming.openAccs()].length);
        });
      }
      const beforeFinish = handed.length;
      streaming.finish();
      expect(new Set(handed.map((r) => r.rowkey)).size).toBe(handed.length);
      expect(new Map(handed.map((r) => [r.rowkey, r]))).toEqual(whole.rows);
      expect(streaming.deadLetters).toEqual(whole.deadLetters);
      expect(streaming.accepted).toBe(whole.accepted);
      // 30,000 orders at 20 a second span 25 minutes: most rows were handed over before the end,
      // and no more than about two minutes of rows (2,400 orders) were ever held.
      expect(beforeFinish).toBeGreaterThan(whole.rows.size * 0.8);
      expect(mostHeld).toBeLessThan(3_000);
    },
  );
});
