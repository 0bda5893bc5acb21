import { RejectionTally, shapeOf, TallyingSink } from '../../src/composition/rejection-tally';
import type { DeadLetter } from '../../src/domain/records';
import type { SinkPort, TriggerCommit } from '../../src/ports/sink.port';

const letter = (reason: DeadLetter['reason'], detail: string): DeadLetter => ({
  reason,
  detail,
  raw: '',
  partition: 0,
  position: 0,
});

describe('RejectionTally', () => {
  it('takes the values out of a detail', () => {
    expect(shapeOf(`not valid JSON: Unexpected token 'A', "ANZ,BUY ,4"... is not valid JSON`)).toBe(
      `not valid JSON: Unexpected token '…', "…" is not valid JSON`,
    );
    expect(shapeOf(`not valid JSON: Unexpected token 'G', "GOOG,SELL,532.99,542" is not valid JSON`)).toBe(
      `not valid JSON: Unexpected token '…', "…" is not valid JSON`,
    );
    expect(shapeOf('invalid UTF-8 at byte 17 of the record')).toBe('invalid UTF-8 at byte N of the record');
    expect(shapeOf('field "count" must be in 1..100, got -2.5e3')).toBe('field "…" must be in N..N, got N');
    expect(
      shapeOf('event time 2025-01-01T00:00:01.000Z is behind watermark 2025-01-01T00:10:00.000Z of partition 2'),
    ).toBe('event time T is behind watermark T of partition N');
  });

  it('counts details that differ only in their values together, and gives the first one as the example', () => {
    const tally = new RejectionTally();
    tally.add(letter('invalid', 'invalid UTF-8 at byte 3 of the record'));
    tally.add(letter('invalid', `not valid JSON: Unexpected token 'A', "ANZ,BUY ,4"... is not valid JSON`));
    tally.add(letter('invalid', `not valid JSON: Unexpected token 'G', "GOOG,SELL,1" is not valid JSON`));
    tally.add(letter('late', `not valid JSON: Unexpected token 'G', "GOOG,SELL,1" is not valid JSON`));
    expect(tally.total).toBe(4);
    expect(tally.mostCommon()).toEqual({
      reason: 'invalid',
      example: `not valid JSON: Unexpected token 'A', "ANZ,BUY ,4"... is not valid JSON`,
      count: 2,
    });
  });

  it('counts the dead letters of a commit once it succeeded, not of one that failed', async () => {
    const tally = new RejectionTally();
    let fail = true;
    const inner: SinkPort = {
      open: () => Promise.resolve(undefined),
      checkpoint: () => Promise.resolve(undefined),
      commit: () => (fail ? Promise.reject(new Error('down')) : Promise.resolve()),
      close: () => Promise.resolve(),
    };
    const sink = new TallyingSink(inner, tally);
    const trigger = {
      deadLetters: [
        letter('duplicate', 'orderid 7 was already accepted'),
        letter('duplicate', 'orderid 9 was already accepted'),
      ],
    } as unknown as TriggerCommit;
    await expect(sink.commit(trigger)).rejects.toThrow('down');
    expect(tally.total).toBe(0);
    fail = false;
    await sink.commit(trigger);
    expect(tally.total).toBe(2);
    expect(tally.mostCommon()).toEqual({ reason: 'duplicate', example: 'orderid 7 was already accepted', count: 2 });
  });
});

describe('TallyingSink after a failed run', () => {
  /** A sink that records which of its ending calls came. */
  function endingSink(withAbort: boolean): { sink: SinkPort; calls: string[] } {
    const calls: string[] = [];
    const sink: SinkPort = {
      open: async () => undefined,
      checkpoint: async () => undefined,
      commit: async () => undefined,
      close: async () => {
        calls.push('close');
      },
      ...(withAbort ? { abort: async (): Promise<void> => void calls.push('abort') } : {}),
    };
    return { sink, calls };
  }

  it('passes abort through, so the sink behind it is not completed (a file sink would rename a partial result into place)', async () => {
    const { sink, calls } = endingSink(true);
    const tallying: SinkPort = new TallyingSink(sink, new RejectionTally());
    expect(tallying.abort).toBeDefined();
    await tallying.abort?.();
    expect(calls).toEqual(['abort']);
  });

  it('closes a sink that has no abort', async () => {
    const { sink, calls } = endingSink(false);
    await new TallyingSink(sink, new RejectionTally()).abort();
    expect(calls).toEqual(['close']);
  });
});
