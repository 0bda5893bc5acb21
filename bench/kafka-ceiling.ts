import { Kafka, logLevel } from 'kafkajs';

/**
 * The source's ceiling: a bare kafkajs consumer in a new group that reads a topic from the beginning
 * and only JSON.parses every message value, until it has read `total` messages.
 *
 *   usage: kafka-ceiling BROKERS TOPIC GROUP TOTAL
 *   prints {records, parsed, seconds, joinSeconds, maxRssKb}; seconds run from connect to the last message.
 */
async function main(): Promise<void> {
  const [brokers, topic, groupId, totalText] = process.argv.slice(2);
  const total = Number(totalText);
  if (
    brokers === undefined ||
    topic === undefined ||
    groupId === undefined ||
    !Number.isSafeInteger(total) ||
    total <= 0
  ) {
    throw new Error('usage: kafka-ceiling BROKERS TOPIC GROUP TOTAL');
  }
  const kafka = new Kafka({
    clientId: 'hexstream-bench-ceiling',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId });
  const started = process.hrtime.bigint();
  let firstAt: bigint | undefined;
  let records = 0;
  let parsed = 0;
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await new Promise<void>((done, fail) => {
    consumer.on(consumer.events.CRASH, (event) => {
      if (!event.payload.restart) fail(event.payload.error);
    });
    consumer
      .run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          firstAt ??= process.hrtime.bigint();
          for (const message of batch.messages) {
            records++;
            if (message.value === null) continue;
            try {
              JSON.parse(message.value.toString('utf8'));
              parsed++;
            } catch {
              // malformed records count as read
            }
          }
          if (records >= total) done();
        },
      })
      .catch(fail);
  });
  const ended = process.hrtime.bigint();
  await consumer.disconnect();
  const seconds = Number(ended - started) / 1e9;
  const joinSeconds = Number((firstAt ?? ended) - started) / 1e9;
  process.stdout.write(
    `${JSON.stringify({ records, parsed, seconds, joinSeconds, maxRssKb: process.resourceUsage().maxRSS })}\n`,
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
