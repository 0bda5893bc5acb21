import { MultipleErrors, NetworkError, ProtocolError } from '@platformatic/kafka';
import { deadLetterMessage } from '../../../src/adapters/kafka/dead-letter-message';
import {
  describeKafkaError,
  isGenerationRefused,
  isKafkaUnavailable,
  isProducerFenced,
} from '../../../src/adapters/kafka/kafka-errors';
import { isRebalancing } from '../../../src/adapters/kafka/refused-offsets';
import { toKafkaMessage, toProduced } from '../../../src/adapters/platformatic-kafka/platformatic-messages';

describe('messages for @platformatic/kafka', () => {
  it('sends a dead letter with the same key, value and headers as kafkajs would', () => {
    const letter = deadLetterMessage({
      partition: 2,
      position: 7,
      raw: '{"x":1}',
      reason: 'invalid',
      detail: 'price is negative',
      key: new Uint8Array([1, 2]),
    });
    expect(toProduced('t.dl', letter)).toEqual({
      topic: 't.dl',
      value: Buffer.from('{"x":1}'),
      headers: {
        reason: Buffer.from('invalid'),
        detail: Buffer.from('price is negative'),
        'source-partition': Buffer.from('2'),
        'source-offset': Buffer.from('7'),
        'source-key': Buffer.from([1, 2]),
      },
    });
  });

  it('keeps a tombstone without a value, a string key as bytes, and the partition given', () => {
    expect(toProduced('cp', { key: 'job|g|open|a', value: null, partition: 0 })).toEqual({
      topic: 'cp',
      key: Buffer.from('job|g|open|a'),
      partition: 0,
    });
  });

  it('reads a fetched record back in the shape the checkpoint reader folds', () => {
    const m = toKafkaMessage(Buffer.from('k'), null, [[Buffer.from('snapshot-id'), Buffer.from('ab')]], 12n, 1700n);
    expect(m).toEqual({
      key: Buffer.from('k'),
      value: null,
      headers: { 'snapshot-id': Buffer.from('ab') },
      offset: '12',
      timestamp: '1700',
      attributes: 0,
    });
  });
});

describe("@platformatic/kafka's errors, told apart as kafkajs's are", () => {
  const wrapped = (e: Error): Error => new MultipleErrors('Received response with error', [e]);

  it('a zombie group member: refused offsets, a rebalance, not a fenced producer', () => {
    const e = wrapped(new ProtocolError('ILLEGAL_GENERATION'));
    expect([
      isGenerationRefused(e),
      isRebalancing(new ProtocolError('REBALANCE_IN_PROGRESS')),
      isProducerFenced(e),
    ]).toEqual([true, true, false]);
    expect(describeKafkaError(e)).toBe('Received response with error (ILLEGAL_GENERATION)');
  });

  it('a newer producer with the transactional id: fenced', () => {
    expect([
      isProducerFenced(wrapped(new ProtocolError('PRODUCER_FENCED'))),
      isProducerFenced(new ProtocolError('INVALID_PRODUCER_EPOCH')),
    ]).toEqual([true, true]);
  });

  it('a broker that cannot be reached, or has no leader: unavailable', () => {
    expect([
      isKafkaUnavailable(wrapped(new NetworkError('Connection closed'))),
      isKafkaUnavailable(new ProtocolError('NOT_LEADER_OR_FOLLOWER')),
      isKafkaUnavailable(new ProtocolError('INVALID_REQUEST')),
    ]).toEqual([true, true, false]);
  });
});
