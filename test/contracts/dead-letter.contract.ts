import type { DeadLetter } from '../../src/domain/records';
import type { DeadLetterPort } from '../../src/ports/dead-letter.port';

/**
 * A dead-letter port under test. `read` returns what it made durable, in order, as objects with
 * reason, detail, raw, partition and position, whatever its storage.
 */
export interface DeadLettersUnderTest {
  readonly port: DeadLetterPort;
  read(): Promise<Array<Record<string, unknown>>>;
  cleanup(): Promise<void>;
}

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
/** The job's own code threw on the record. */
const D3: DeadLetter = {
  reason: 'error',
  detail: 'wage is not a number: "x"',
  raw: '{"wage":"x"}',
  partition: 2,
  position: 0,
};

function objects(letters: readonly DeadLetter[]): Array<Record<string, unknown>> {
  return letters.map((d) => ({
    reason: d.reason,
    detail: d.detail,
    raw: d.raw,
    partition: d.partition,
    position: d.position,
  }));
}

/** The DeadLetterPort contract (see src/ports/dead-letter.port.ts), run once per at-least-once adapter. */
export function describeDeadLetterContract(name: string, factory: () => Promise<DeadLettersUnderTest>): void {
  async function withPort(body: (t: DeadLettersUnderTest) => Promise<void>): Promise<void> {
    const t = await factory();
    try {
      await body(t);
    } finally {
      await t.cleanup();
    }
  }

  describe(`DeadLetterPort contract: ${name}`, () => {
    it('makes every letter durable, in order, with reason, detail, raw, partition and position', async () => {
      await withPort(async (t) => {
        await t.port.open();
        await t.port.publish([D0, D1]);
        await t.port.publish([]);
        await t.port.publish([D2, D3]);
        await t.port.close();
        expect(await t.read()).toEqual(objects([D0, D1, D2, D3]));
      });
    });

    it('is at least once, not idempotent: letters published again (a re-read after a crash) are there again', async () => {
      await withPort(async (t) => {
        await t.port.open();
        await t.port.publish([D0, D1]);
        await t.port.publish([D1]);
        await t.port.close();
        expect(await t.read()).toEqual(objects([D0, D1, D1]));
      });
    });

    it('keeps what was published when the run fails, and goes on after being opened again', async () => {
      await withPort(async (t) => {
        await t.port.open();
        await t.port.publish([D0]);
        // Opened again after an outage of the result store, within the run.
        await t.port.open();
        await t.port.publish([D2]);
        await (t.port.abort !== undefined ? t.port.abort() : t.port.close());
        expect(await t.read()).toEqual(objects([D0, D2]));
      });
    });
  });
}
