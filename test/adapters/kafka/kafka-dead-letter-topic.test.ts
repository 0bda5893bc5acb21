import { createServer, type AddressInfo, type Socket } from 'node:net';
import { KafkaDeadLetterTopic } from '../../../src/adapters/kafka/kafka-dead-letter-topic.adapter';
import { MemorySink } from '../../../src/adapters/memory/memory-sink.adapter';
import { openOutput } from '../../../src/domain/pipeline/pipeline-output';
import { HexstreamError } from '../../../src/domain/hexstream-error';
import { aggOrderWindowTable } from '../../../src/domain/jobs/orders.job';
import type { ResultStorePort } from '../../../src/ports/result-store.port';
import { deleteTopics } from '../../support/kafka-read';
import { BROKERS, uniqueName } from '../../support/kafka-topics';
import { rejection } from '../../support/rejection';
import { describeDeadLetterContract } from '../../contracts/dead-letter.contract';
import { deadLettersOnTopic } from '../../support/kafka-dead-letters';

jest.setTimeout(120_000);

describeDeadLetterContract('KafkaDeadLetterTopic', async () => {
  const topic = uniqueName('dl-contract');
  const port = new KafkaDeadLetterTopic({ brokers: BROKERS, topic });
  return {
    port,
    read: () => deadLettersOnTopic(topic),
    cleanup: async () => {
      await port.close();
      await deleteTopics([topic]);
    },
  };
});

/** A result store that cannot open, as MySQL refusing the login; counts its closes. */
function failingTable(): ResultStorePort & { closes: number } {
  const sink = {
    closes: 0,
    open: () =>
      Promise.reject(
        new HexstreamError(
          'SINK_UNAVAILABLE',
          'cannot reach MySQL at mysql://root:***@127.0.0.1:3306/x: Access denied',
        ),
      ),
    checkpoint: () => Promise.resolve(undefined),
    commit: () => Promise.resolve(),
    close: () => {
      sink.closes++;
      return Promise.resolve();
    },
  };
  return sink;
}

/** TCP sockets this process holds open (the test's own clients: the jest worker talks over a pipe). */
function tcpSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
}

/** Polls until `check` holds; the bound is generous, it only tells "never" from "soon". */
async function eventually(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`still not so after ${timeoutMs / 1000} s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('Kafka dead-letter topic', () => {
  it('leaves no connection behind when the result store fails to open', async () => {
    const topic = uniqueName('dl-open');
    const before = tcpSockets();
    const table = failingTable();
    const deadLetters = new KafkaDeadLetterTopic({ brokers: BROKERS, topic });
    try {
      const error = await rejection(openOutput({ store: table, deadLetters }, aggOrderWindowTable));
      expect(error).toMatchObject({
        code: 'SINK_UNAVAILABLE',
        message: 'cannot reach MySQL at mysql://root:***@127.0.0.1:3306/x: Access denied',
      });
      // A connected producer would stay until the broker drops it as idle (10 minutes). At most as
      // many as before: a socket an earlier suite of this worker left may close meanwhile.
      await eventually(
        () => tcpSockets() <= before,
        `no producer connection is left (${tcpSockets()} TCP sockets, ${before} before)`,
      );
    } finally {
      await deadLetters.close();
      await deleteTopics([topic]);
    }
  });

  it('does not open the result store when the dead-letter topic cannot open', async () => {
    const store = new MemorySink();
    const deadLetters = new KafkaDeadLetterTopic({ brokers: ['127.0.0.1:1'], topic: 'never-created' });
    const error = await rejection(openOutput({ store, deadLetters }, aggOrderWindowTable));
    expect(error.code).toBe('SINK_UNAVAILABLE');
    expect(store.openedWith).toBeUndefined();
  });

  it('names Kafka and the brokers when none answers', async () => {
    const error = await rejection(
      new KafkaDeadLetterTopic({ brokers: ['127.0.0.1:1'], topic: 'never-created' }).open(),
    );
    expect(error.code).toBe('SINK_UNAVAILABLE');
    expect(error.message).toMatch(
      /^cannot reach Kafka at 127\.0\.0\.1:1 to open the dead-letter topic never-created: Connection error: connect ECONNREFUSED 127\.0\.0\.1:1$/,
    );
  });

  it('gives up at its deadline on a broker that accepts connections and never answers', async () => {
    const accepted: Socket[] = [];
    const silent = createServer((socket) => accepted.push(socket));
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    const port = (silent.address() as AddressInfo).port;
    try {
      const error = await rejection(
        new KafkaDeadLetterTopic({
          brokers: [`127.0.0.1:${port}`],
          topic: 'never-created',
          openTimeoutMs: 2_000,
        }).open(),
      );
      expect(error.code).toBe('SINK_UNAVAILABLE');
      expect(error.message).toBe(
        `cannot reach Kafka at 127.0.0.1:${port} to open the dead-letter topic never-created: no answer within 2000 ms`,
      );
    } finally {
      for (const socket of accepted) socket.destroy();
      silent.close();
    }
  });
});
