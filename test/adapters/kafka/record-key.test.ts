import { deadLetterMessage } from '../../../src/adapters/kafka/dead-letter-message';
import { MAX_KEY_BYTES, toRecord } from '../../../src/adapters/kafka/kafka-record';
import { deadLetterOf } from '../../../src/domain/engine/dead-letter-of';

const AT = { timestamp: '1735689600000' };

describe("a Kafka record's key", () => {
  it('reaches the dead letter of the record, and its message as a source-key header', () => {
    const record = toRecord(2, 17, { key: Buffer.from('order-42'), value: Buffer.from('{oops'), ...AT }, 1000);
    const letter = deadLetterOf('invalid', 'not JSON', '{oops', record);
    expect(letter).toEqual({
      reason: 'invalid',
      detail: 'not JSON',
      raw: '{oops',
      key: new Uint8Array(Buffer.from('order-42')),
      partition: 2,
      position: 17,
    });
    expect(deadLetterMessage(letter).headers).toEqual({
      reason: 'invalid',
      detail: 'not JSON',
      'source-partition': '2',
      'source-offset': '17',
      'source-key': Buffer.from('order-42'),
    });
  });

  it('is copied into the dead letter, not kept as a view of the fetched bytes', () => {
    const fetched = Buffer.from('xxkeyxx');
    const record = toRecord(0, 0, { key: fetched.subarray(2, 5), value: Buffer.from('v'), ...AT }, 1000);
    const letter = deadLetterOf('invalid', 'd', 'v', record);
    fetched.fill(0);
    expect(Buffer.from(letter.key ?? []).toString()).toBe('key');
  });

  it('is left out when absent, and when longer than the limit', () => {
    const none = toRecord(0, 0, { key: null, value: Buffer.from('v'), ...AT }, 1000);
    const long = toRecord(0, 1, { key: Buffer.alloc(MAX_KEY_BYTES + 1, 1), value: Buffer.from('v'), ...AT }, 1000);
    expect(deadLetterMessage(deadLetterOf('invalid', 'd', 'v', none)).headers).not.toHaveProperty('source-key');
    expect(deadLetterMessage(deadLetterOf('invalid', 'd', 'v', long)).headers).not.toHaveProperty('source-key');
  });
});
