import type { Consumer } from 'kafkajs';
import { KafkaJSNonRetriableError } from 'kafkajs';
import { seekOrLeaveToJoin } from '../../../src/adapters/kafka/group-consumer-handlers';

/** A consumer whose `seek` records its calls, or throws what it is given. */
function consumer(fails?: Error): { consumer: Consumer; seeks: unknown[] } {
  const seeks: unknown[] = [];
  const seek = (at: unknown): void => {
    if (fails !== undefined) throw fails;
    seeks.push(at);
  };
  return { consumer: { seek } as unknown as Consumer, seeks };
}

describe('a seek while kafkajs restarts the consumer', () => {
  it('seeks a running consumer', () => {
    const { consumer: c, seeks } = consumer();
    seekOrLeaveToJoin(c, 'orders', 2, 41);
    expect(seeks).toEqual([{ topic: 'orders', partition: 2, offset: '41' }]);
  });

  it('leaves the seek to the next join when the consumer has no group yet', () => {
    // The error kafkajs throws between stopping a crashed consumer and starting it again.
    const restarting = new KafkaJSNonRetriableError(
      'Consumer group was not initialized, consumer#run must be called first',
    );
    const { consumer: c, seeks } = consumer(restarting);
    expect(() => seekOrLeaveToJoin(c, 'orders', 2, 41)).not.toThrow();
    expect(seeks).toEqual([]);
  });

  it('passes on any other failure', () => {
    const { consumer: c } = consumer(new KafkaJSNonRetriableError('Invalid topic undefined'));
    expect(() => seekOrLeaveToJoin(c, 'orders', 2, 41)).toThrow('Invalid topic undefined');
  });
});
