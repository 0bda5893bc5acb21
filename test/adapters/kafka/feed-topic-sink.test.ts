import { FeedTopicSink } from '../../../src/adapters/kafka/feed-topic-sink.adapter';
import { HexstreamError } from '../../../src/domain/hexstream-error';
import { describeFeedSinkContract } from '../../contracts/feed-sink.contract';
import { readFeedTopic } from '../../support/feed-topics';
import { deleteTopics } from '../../support/kafka-read';
import { BROKERS, uniqueName } from '../../support/kafka-topics';

jest.setTimeout(120_000);

describeFeedSinkContract('FeedTopicSink', { keepsKeyAndTimestamp: true }, async () => {
  const topic = uniqueName('ingest-contract');
  const deadLetterTopic = `${topic}.dead-letter`;
  // One partition: the contract checks the order of all messages, which Kafka keeps per partition.
  const sink = new FeedTopicSink({ brokers: BROKERS, topic, deadLetterTopic, partitions: 1 });
  return {
    sink,
    read: async () => ({
      messages: (await readFeedTopic(topic)).map((m) => ({ key: m.key, value: m.value, timestampMs: m.timestampMs })),
      deadLetters: (await readFeedTopic(deadLetterTopic)).map((m) => ({
        reason: m.headers['reason'] ?? '',
        detail: m.headers['detail'] ?? '',
        raw: m.value,
        receivedAtMs: Date.parse(m.headers['received-at'] ?? ''),
      })),
    }),
    cleanup: async () => {
      await sink.close();
      await deleteTopics([topic, deadLetterTopic]);
    },
  };
});

describe('FeedTopicSink', () => {
  it('creates the topic with the partitions asked and tags dead letters with their source', async () => {
    const topic = uniqueName('ingest-topic');
    const sink = new FeedTopicSink({
      brokers: BROKERS,
      topic,
      deadLetterTopic: `${topic}.dead-letter`,
      partitions: 3,
      source: 'https://quotes.example/batch?token=***',
    });
    try {
      await sink.open();
      const keys = ['AAPL', 'MSFT', 'GOOG', 'AMZN', 'TSLA', 'META'];
      await sink.send(
        keys.map((k, i) => ({
          key: k,
          value: `{"symbol":"${k}","price":${i},"ts":${1000 + i}}`,
          timestampMs: 1000 + i,
        })),
        [{ reason: 'too-large', detail: 'body over 4 MiB', raw: 'x', receivedAtMs: 5 }],
      );
      const read = await readFeedTopic(topic);
      expect(new Set(read.map((m) => m.partition)).size).toBeGreaterThan(1);
      expect(read.map((m) => m.key).sort()).toEqual([...keys].sort());
      const letters = await readFeedTopic(`${topic}.dead-letter`);
      expect(letters.map((m) => m.headers)).toEqual([
        {
          reason: 'too-large',
          detail: 'body over 4 MiB',
          'received-at': '1970-01-01T00:00:00.005Z',
          source: 'https://quotes.example/batch?token=***',
        },
      ]);
    } finally {
      await sink.close();
      await deleteTopics([topic, `${topic}.dead-letter`]);
    }
  });

  it('says SINK_UNAVAILABLE when no broker answers', async () => {
    const sink = new FeedTopicSink({
      brokers: ['127.0.0.1:1'],
      topic: 'quotes',
      deadLetterTopic: 'quotes.dead-letter',
      partitions: 1,
      openTimeoutMs: 2_000,
    });
    const failure = await sink.send([{ key: 'A', value: '{}', timestampMs: 1 }], []).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(HexstreamError);
    expect((failure as HexstreamError).code).toBe('SINK_UNAVAILABLE');
    await sink.close();
  });
});
