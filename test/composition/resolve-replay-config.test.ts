import { resolveReplayConfig } from '../../src/composition/resolve-replay-config';
import type { DeadLetterEntry } from '../../src/composition/replay-io';

const letter = (over: Partial<DeadLetterEntry> = {}): DeadLetterEntry => ({
  reason: 'invalid',
  sourcePartition: 1,
  sourceOffset: 50,
  timestampMs: 1_000,
  ...over,
});

describe('resolveReplayConfig', () => {
  it("names the job's topics as prod does", async () => {
    const config = await resolveReplayConfig({ job: 'ohlc' });
    expect([config.brokers, config.topic, config.deadLetterTopic, config.dryRun]).toEqual([
      ['127.0.0.1:9092'],
      'ohlc',
      'ohlc.dead-letter',
      false,
    ]);
    const other = await resolveReplayConfig({ topic: 'in', brokers: 'a:1,b:2', dryRun: true });
    expect([other.brokers, other.topic, other.deadLetterTopic, other.dryRun]).toEqual([
      ['a:1', 'b:2'],
      'in',
      'in.dead-letter',
      true,
    ]);
  });

  it('chooses every letter without a filter, and only letters every filter holds for with some', async () => {
    expect((await resolveReplayConfig({})).select(letter({ reason: undefined, sourceOffset: undefined }))).toBe(true);
    const { select } = await resolveReplayConfig({
      reason: 'invalid, error',
      partition: '1,3',
      fromOffset: '50',
      toOffset: '60',
      fromTime: '1000',
      toTime: '1970-01-01T00:00:02Z',
    });
    expect(
      [
        letter(),
        letter({ reason: 'error', sourcePartition: 3, sourceOffset: 60, timestampMs: 1_999 }),
        letter({ reason: 'late' }),
        letter({ sourcePartition: 2 }),
        letter({ sourceOffset: 49 }),
        letter({ sourceOffset: 61 }),
        letter({ sourceOffset: undefined }),
        letter({ timestampMs: 999 }),
        letter({ timestampMs: 2_000 }),
      ].map(select),
    ).toEqual([true, true, false, false, false, false, false, false, false]);
  });

  it('refuses bad values, naming the flag', async () => {
    await expect(resolveReplayConfig({ job: 'nope' })).rejects.toThrow(/^--job: unknown job "nope"/);
    await expect(resolveReplayConfig({ partition: 'x' })).rejects.toThrow(
      '--partition: expected a whole number ≥ 0, got "x"',
    );
    await expect(resolveReplayConfig({ fromOffset: '9', toOffset: '3' })).rejects.toThrow(
      '--to-offset: 3 is before --from-offset 9',
    );
    await expect(resolveReplayConfig({ fromTime: '2000', toTime: '1000' })).rejects.toThrow(
      '--to-time: must be after --from-time',
    );
    await expect(resolveReplayConfig({ topic: 'a b' })).rejects.toThrow('--topic: not a valid Kafka topic name: "a b"');
    await expect(resolveReplayConfig({ brokers: 'nohost' })).rejects.toThrow('--brokers: expected host:port');
  });
});
