import { deadLetterMessage } from '../../../src/adapters/kafka/dead-letter-message';

describe('deadLetterMessage', () => {
  it('carries the raw text as value and reason, detail, partition and offset as headers', () => {
    expect(
      deadLetterMessage({ reason: 'late', detail: 'window closed', raw: '{"a":1}', partition: 2, position: 41 }),
    ).toEqual({
      value: '{"a":1}',
      headers: { reason: 'late', detail: 'window closed', 'source-partition': '2', 'source-offset': '41' },
    });
  });

  it("carries a record on which the job's code threw with reason error and the exception's message", () => {
    expect(
      deadLetterMessage({ reason: 'error', detail: 'boom: 7', raw: '{"a":7}', partition: 0, position: 3 }),
    ).toEqual({
      value: '{"a":7}',
      headers: { reason: 'error', detail: 'boom: 7', 'source-partition': '0', 'source-offset': '3' },
    });
  });

  it('names the file of a record read from one in a source header, keeping the other headers', () => {
    expect(
      deadLetterMessage({
        reason: 'invalid',
        detail: 'not JSON',
        raw: '{',
        rawBytes: 9000,
        source: 'day-1/orders.jsonl',
        partition: 1234567,
        position: 3,
      }),
    ).toEqual({
      value: '{',
      headers: {
        reason: 'invalid',
        detail: 'not JSON',
        'source-partition': '1234567',
        'source-offset': '3',
        'raw-bytes': '9000',
        source: 'day-1/orders.jsonl',
      },
    });
  });
});

describe("a dead letter's key", () => {
  it('travels as the bytes of a source-key header', () => {
    const key = new Uint8Array([0x6b, 0x00, 0xff]);
    const message = deadLetterMessage({ reason: 'invalid', detail: 'x', raw: 'r', key, partition: 1, position: 9 });
    expect(message.headers?.['source-key']).toEqual(Buffer.from([0x6b, 0x00, 0xff]));
  });
});
