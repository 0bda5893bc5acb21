/**
 * The shapes `/api/topics` and `/api/messages` answer with (src/adapters/topics/topic-routes.ts,
 * message-view.ts). The browser code is compiled apart from the server's, so the shapes are written
 * twice; test/web/wire-types.test.ts fails when the two differ.
 */

export interface PartitionOffsets {
  readonly partition: number;
  readonly low: number;
  readonly high: number;
}

export interface TopicEntry {
  readonly name: string;
  readonly deadLetter: boolean;
  readonly messages: number;
  readonly partitions: readonly PartitionOffsets[];
}

export interface BytesView {
  readonly format: 'json' | 'text' | 'binary';
  readonly text: string;
  readonly bytes: number;
  readonly truncated: boolean;
}

export interface MessageView {
  readonly partition: number;
  readonly offset: number;
  readonly timestampMs: number;
  readonly timestamp: string | null;
  readonly key: BytesView | null;
  readonly value: BytesView | null;
  readonly headers: ReadonlyArray<{ readonly name: string; readonly value: BytesView }>;
}

export interface MessagePage {
  readonly topic: string;
  readonly partition: number;
  readonly limit: number;
  readonly reason?: string;
  readonly low: number;
  readonly high: number;
  readonly scanned: number;
  readonly next: number;
  readonly messages: readonly MessageView[];
}
