import { Kafka, logLevel } from 'kafkajs';

const WARM_UP = 'hexstream-warm-up';
const WARM_UP_TIMEOUT_MS = 90_000;

/**
 * A new broker creates its internal topics (group offsets, transaction state) on first use and
 * until they have leaders answers "not the coordinator" — which kafkajs's consumer.run gives up on.
 * One transaction and one consumer group round trip here, so the first test finds a broker that
 * behaves like one that has run for a while.
 */
export async function warmUp(brokers: string): Promise<void> {
  const kafka = new Kafka({
    clientId: WARM_UP,
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
    retry: { retries: 30, initialRetryTime: 200, maxRetryTime: 2_000 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: WARM_UP, numPartitions: 1 }], waitForLeaders: true });
    const producer = kafka.producer({ transactionalId: WARM_UP, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const tx = await producer.transaction();
      await tx.send({ topic: WARM_UP, messages: [{ value: 'warm' }] });
      await tx.commit();
    } finally {
      await producer.disconnect();
    }
    await consumeOne(kafka);
    await admin.deleteGroups([WARM_UP]).catch(() => undefined);
    await admin.deleteTopics({ topics: [WARM_UP] }).catch(() => undefined);
  } catch (e) {
    throw new Error(
      `the broker at ${brokers} started but failed its first transaction and consumer group: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    );
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Joins a group and reads the warm-up message; the first join may meet a coordinator still loading, so a failed round is tried again. */
async function consumeOne(kafka: Kafka): Promise<void> {
  const deadline = Date.now() + WARM_UP_TIMEOUT_MS;
  for (;;) {
    const consumer = kafka.consumer({ groupId: WARM_UP, retry: { retries: 5 } });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [WARM_UP], fromBeginning: true });
      await new Promise<void>((done, fail) => {
        const timer = setTimeout(
          () => fail(new Error(`no message within ${WARM_UP_TIMEOUT_MS / 1000} s`)),
          Math.max(1, deadline - Date.now()),
        );
        consumer.on(consumer.events.CRASH, ({ payload }) => {
          clearTimeout(timer);
          fail(payload.error);
        });
        consumer
          .run({
            eachMessage: async () => {
              clearTimeout(timer);
              done();
            },
          })
          .catch((e: unknown) => {
            clearTimeout(timer);
            fail(e instanceof Error ? e : new Error(String(e)));
          });
      });
      return;
    } catch (e) {
      if (Date.now() >= deadline) throw e;
      await new Promise((wait) => setTimeout(wait, 500));
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
  }
}
