import { deadLetterMessage } from '../../src/adapters/kafka/dead-letter-message';
import { runCli } from '../../src/cli/run-cli';
import type { DeadLetter, DeadLetterReason } from '../../src/domain/records';
import { createTopics, deleteTopics, readTopic } from '../support/kafka-read';
import { BROKERS, kafkaClient, uniqueName } from '../support/kafka-topics';

jest.setTimeout(120_000);

const T0 = Date.UTC(2026, 0, 1, 10);
const REASONS: readonly DeadLetterReason[] = ['invalid', 'late', 'duplicate', 'error'];

/**
 * 24 dead letters: letter i is of reason REASONS[i % 4], from input partition i % 2 at offset
 * 100 + i, keyed `key-i` (none for i = 5), written at T0 + i minutes; letter 22 holds only the start
 * of its record (raw-bytes).
 */
function letters(): Array<{ letter: DeadLetter; atMs: number }> {
  return Array.from({ length: 24 }, (_, i) => ({
    letter: {
      reason: REASONS[i % 4] ?? 'invalid',
      detail: `detail ${i}`,
      raw: `{"orderid":${i}}`,
      ...(i === 22 ? { rawBytes: 9000 } : {}),
      ...(i === 5 ? {} : { key: new Uint8Array(Buffer.from(`key-${i}`)) }),
      partition: i % 2,
      position: 100 + i,
    },
    atMs: T0 + i * 60_000,
  }));
}

async function run(args: readonly string[]): Promise<{ code: number; lines: string[]; errors: string[] }> {
  const lines: string[] = [];
  const errors: string[] = [];
  const code = await runCli(['replay', '--brokers', BROKERS.join(','), ...args], {
    line: (t) => lines.push(t),
    error: (t) => errors.push(t),
  });
  return { code, lines, errors };
}

describe('hexstream replay', () => {
  const input = uniqueName('replay-in');
  const deadLetters = `${input}.dead-letter`;
  const where = `from ${deadLetters} to ${input} on ${BROKERS.join(',')}`;

  beforeAll(async () => {
    await createTopics([
      { topic: input, partitions: 2 },
      { topic: deadLetters, partitions: 1 },
    ]);
    const producer = kafkaClient().producer({ allowAutoTopicCreation: false });
    await producer.connect();
    await producer.send({
      topic: deadLetters,
      messages: letters().map(({ letter, atMs }) => ({ ...deadLetterMessage(letter), timestamp: String(atMs) })),
    });
    await producer.disconnect();
  });

  afterAll(async () => {
    await deleteTopics([input, deadLetters]);
  });

  it('counts with --dry-run and sends nothing', async () => {
    expect(await run(['--topic', input, '--reason', 'error', '--dry-run'])).toEqual({
      code: 0,
      lines: [`would send 6 dead letters of 24 ${where}`, 'skipped 18 dead letters by the filters'],
      errors: [],
    });
    expect(await readTopic(input)).toEqual([]);
  });

  it('sends the chosen letters with their key into the partition they came from', async () => {
    // invalid or late (i % 4 in 0, 1), from partition 1 (odd i), offsets 105..121: i = 5, 9, 13, 17, 21.
    const chosen = await run([
      '--topic',
      input,
      '--reason',
      'invalid,late',
      '--partition',
      '1',
      '--from-offset',
      '105',
      '--to-offset',
      '121',
    ]);
    expect(chosen).toEqual({
      code: 0,
      lines: [`sent 5 dead letters of 24 ${where}`, 'skipped 19 dead letters by the filters'],
      errors: [],
    });
    const sent = await readTopic(input);
    expect(sent.map((m) => [m.partition, m.key, m.value, m.headers['replayed-from']])).toEqual([
      [1, undefined, '{"orderid":5}', `${deadLetters}/0/5`],
      [1, 'key-9', '{"orderid":9}', `${deadLetters}/0/9`],
      [1, 'key-13', '{"orderid":13}', `${deadLetters}/0/13`],
      [1, 'key-17', '{"orderid":17}', `${deadLetters}/0/17`],
      [1, 'key-21', '{"orderid":21}', `${deadLetters}/0/21`],
    ]);
  });

  it('chooses by the time a letter was written, and skips a letter cut short', async () => {
    // Written in [T0 + 20 min, T0 + 23 min): i = 20, 21, 22; 22 is cut short.
    expect(
      await run([
        '--topic',
        input,
        '--from-time',
        new Date(T0 + 20 * 60_000).toISOString(),
        '--to-time',
        String(T0 + 23 * 60_000),
      ]),
    ).toEqual({
      code: 0,
      lines: [
        `sent 2 dead letters of 24 ${where}`,
        'skipped 21 dead letters by the filters',
        'skipped 1 dead letter holding only the start of its record (raw-bytes)',
      ],
      errors: [],
    });
    // The topic now: these two, after the five of the test before (21 a second time).
    expect((await readTopic(input)).map((m) => [m.partition, m.key, m.value])).toEqual([
      [0, 'key-20', '{"orderid":20}'],
      [1, undefined, '{"orderid":5}'],
      [1, 'key-9', '{"orderid":9}'],
      [1, 'key-13', '{"orderid":13}'],
      [1, 'key-17', '{"orderid":17}'],
      [1, 'key-21', '{"orderid":21}'],
      [1, 'key-21', '{"orderid":21}'],
    ]);
  });

  it('fails with one line when the dead-letter topic does not exist, and exits 2 on a bad filter', async () => {
    const missing = uniqueName('none');
    expect(await run(['--topic', input, '--dead-letter-topic', missing])).toEqual({
      code: 1,
      lines: [],
      errors: [
        `SOURCE_UNAVAILABLE: topic ${missing} does not exist on ${BROKERS.join(',')}: check --dead-letter-topic (and --topic, --brokers)`,
      ],
    });
    expect(await run(['--topic', input, '--reason', 'odd'])).toEqual({
      code: 2,
      lines: [],
      errors: ['--reason: expected invalid, late, duplicate, error (or a comma-separated list), got "odd"'],
    });
  });
});
