import { Kafka, logLevel, type IHeaders, type KafkaMessage, type Message } from 'kafkajs';
import { HexstreamError } from '../../domain/hexstream-error';
import { SOURCE_KEY_HEADER } from './dead-letter-message';
import { checkInputTopic } from './input-topic';
import { describeKafkaError } from './kafka-errors';
import { batchesUnder, MAX_REQUEST_BYTES } from './message-batches';
import { readTopicUpTo, type ReadMessage } from './read-topic';

/** A dead letter as `replay` chooses among them: what its headers and timestamp say. */
export interface DeadLetterEntry {
  readonly reason: string | undefined;
  readonly sourcePartition: number | undefined;
  readonly sourceOffset: number | undefined;
  /** When the dead letter was written (the message's timestamp), epoch ms. */
  readonly timestampMs: number;
}

export interface ReplayOptions {
  readonly brokers: readonly string[];
  readonly deadLetterTopic: string;
  readonly inputTopic: string;
  readonly select: (letter: DeadLetterEntry) => boolean;
  /** Count only: nothing is sent. */
  readonly dryRun: boolean;
  /** Bound on reading the dead-letter topic (default 5 min). */
  readonly readTimeoutMs?: number;
}

export interface ReplayOutcome {
  /** Dead letters read (the topic up to its end when the replay began). */
  readonly read: number;
  /** Sent back (with `dryRun`: would be). */
  readonly sent: number;
  /** Left out by `select`. */
  readonly skipped: number;
  /** Chosen but not sent: the letter holds only the start of its record (`raw-bytes`). */
  readonly cutShort: number;
}

/** The header a replayed record carries: where its dead letter was (`topic/partition/offset`). */
export const REPLAYED_FROM_HEADER = 'replayed-from';

/**
 * Sends chosen dead letters back to the input topic: the letter's value (the record's text), with
 * the record's key (`source-key`) into the partition it came from (`source-partition`, when the
 * topic still has it; else the key picks one). The dead-letter topic is read as a `read_committed`
 * reader sees it, up to its end offsets at the start, so letters the replayed records cause (if they
 * fail again) are not read again. A letter cut short cannot be sent: its record is not all there.
 * Sending is at least once (idempotent producer, acks=all); a replay run twice sends twice.
 */
export async function replayDeadLetters(options: ReplayOptions): Promise<ReplayOutcome> {
  const where = options.brokers.join(',');
  await checkInputTopic(options.brokers, options.inputTopic);
  const kafka = new Kafka({
    clientId: 'hexstream-replay',
    brokers: [...options.brokers],
    logLevel: logLevel.NOTHING,
    retry: { retries: 5 },
  });
  const counts = { read: 0, sent: 0, skipped: 0, cutShort: 0 };
  const chosen: ReadMessage[] = [];
  const admin = kafka.admin();
  let partitions: number;
  try {
    await admin.connect();
    if (!(await admin.listTopics()).includes(options.deadLetterTopic))
      throw new HexstreamError(
        'SOURCE_UNAVAILABLE',
        `topic ${options.deadLetterTopic} does not exist on ${where}: check --dead-letter-topic (and --topic, --brokers)`,
      );
    const ends = new Map(
      (await admin.fetchTopicOffsets(options.deadLetterTopic)).map((o) => [o.partition, Number(o.high)]),
    );
    partitions = (await admin.fetchTopicMetadata({ topics: [options.inputTopic] })).topics[0]?.partitions.length ?? 0;
    await readTopicUpTo(
      kafka,
      options.deadLetterTopic,
      ends,
      (read) => {
        counts.read++;
        if (!options.select(entryOf(read.message))) counts.skipped++;
        else if (header(read.message.headers, 'raw-bytes') !== undefined) counts.cutShort++;
        else chosen.push(read);
      },
      { timeoutMs: options.readTimeoutMs ?? 300_000 },
    );
  } catch (e) {
    if (e instanceof HexstreamError) throw e;
    throw new HexstreamError(
      'SOURCE_UNAVAILABLE',
      `cannot read ${options.deadLetterTopic} on ${where}: ${describeKafkaError(e)}`,
      {
        cause: e,
      },
    );
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  if (!options.dryRun)
    await send(
      kafka,
      options,
      chosen.map((m) => replayed(m, options.deadLetterTopic, partitions)),
    );
  return { ...counts, sent: chosen.length };
}

async function send(kafka: Kafka, options: ReplayOptions, messages: readonly Message[]): Promise<void> {
  if (messages.length === 0) return;
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  try {
    await producer.connect();
    for (const batch of batchesUnder(messages, MAX_REQUEST_BYTES))
      await producer.send({ topic: options.inputTopic, acks: -1, messages: batch });
  } catch (e) {
    throw new HexstreamError(
      'SINK_WRITE_FAILED',
      `cannot send dead letters back to ${options.inputTopic} on ${options.brokers.join(',')}: ${describeKafkaError(e)}`,
      { cause: e },
    );
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}

function replayed(letter: ReadMessage, deadLetterTopic: string, partitions: number): Message {
  const m = letter.message;
  const key = header(m.headers, SOURCE_KEY_HEADER) ?? null;
  const source = wholeNumber(header(m.headers, 'source-partition'));
  const partition = source !== undefined && source < partitions ? { partition: source } : {};
  return {
    key,
    value: m.value,
    ...partition,
    headers: { [REPLAYED_FROM_HEADER]: `${deadLetterTopic}/${letter.partition}/${m.offset}` },
  };
}

function entryOf(m: KafkaMessage): DeadLetterEntry {
  return {
    reason: header(m.headers, 'reason')?.toString('utf8'),
    sourcePartition: wholeNumber(header(m.headers, 'source-partition')),
    sourceOffset: wholeNumber(header(m.headers, 'source-offset')),
    timestampMs: Number(m.timestamp),
  };
}

function header(headers: IHeaders | undefined, name: string): Buffer | undefined {
  const v = headers?.[name];
  const first = Array.isArray(v) ? v[0] : v;
  return first === undefined ? undefined : typeof first === 'string' ? Buffer.from(first) : first;
}

function wholeNumber(b: Buffer | undefined): number | undefined {
  const text = b?.toString('utf8');
  return text !== undefined && /^\d{1,15}$/.test(text) ? Number(text) : undefined;
}
