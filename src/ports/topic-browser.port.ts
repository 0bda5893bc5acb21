import type { ServiceIdentifier } from 'inversify';

export interface PartitionOffsets {
  readonly partition: number;
  /** The first offset still stored. */
  readonly low: number;
  /** The offset the next message will get (the high watermark). */
  readonly high: number;
}

export interface TopicSummary {
  readonly name: string;
  readonly partitions: readonly PartitionOffsets[];
}

/** One message as stored: bytes, not text (a browser renders them safely). */
export interface BrowsedMessage {
  readonly partition: number;
  readonly offset: number;
  readonly timestampMs: number;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: ReadonlyArray<{ readonly name: string; readonly value: Uint8Array }>;
}

/** Where to start reading a partition: an offset, or the first message at or after a time. */
export type BrowseFrom = { readonly offset: number } | { readonly timestampMs: number };

/** Reads a broker's topics without joining a consumer group or committing anything. */
export interface TopicBrowserPort {
  topics(): Promise<readonly TopicSummary[]>;
  /** At most `limit` messages of one partition, in offset order, from `from`. */
  messages(topic: string, partition: number, from: BrowseFrom, limit: number): Promise<readonly BrowsedMessage[]>;
  close(): Promise<void>;
}

export const TopicBrowserPort: ServiceIdentifier<TopicBrowserPort> = Symbol.for('hexstream.TopicBrowserPort');
