import { openFileOutput, type FileOutput } from '../adapters/file/file-output';
import { KafkaRecordProducer, type MessageKeyOf } from '../adapters/kafka/kafka-record-producer';

export type { MessageKeyOf } from '../adapters/kafka/kafka-record-producer';

/** A file of generated records: put in place only once whole (`complete`), or dropped (`discard`). */
export type GeneratedFile = FileOutput;

/** Sends generated records (lines of text) to a topic in batches; see `KafkaRecordProducer`. */
export interface RecordProducer {
  /** Records sent so far. */
  readonly sent: number;
  /** Connects, creating the topic when missing; says how many partitions the topic has. */
  open(): Promise<{ readonly partitions: number }>;
  write(line: string): Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Where `produce --to kafka` sends. */
export interface KafkaTarget {
  readonly brokers: readonly string[];
  readonly topic: string;
  /** Partitions of the topic when it has to be created; an existing topic is never changed. */
  readonly partitions: number;
}

/** What `produce` writes to, built here so that the command line knows no adapter. */
export interface ProduceIo {
  openFile(path: string): Promise<GeneratedFile>;
  kafkaProducer(target: KafkaTarget, key: MessageKeyOf): RecordProducer;
}

export const produceIo: ProduceIo = {
  openFile: (path) => openFileOutput(path, { mode: 'replace' }),
  kafkaProducer: (target, key) => new KafkaRecordProducer({ ...target, key }),
};
