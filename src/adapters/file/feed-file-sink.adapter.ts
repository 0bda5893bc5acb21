import type { FeedDeadLetter, FeedMessage, FeedSinkPort } from '../../ports/feed-sink.port';
import { HexstreamError } from '../../domain/hexstream-error';
import { openFileOutput, type FileOutput } from './file-output';

export interface FeedFileSinkOptions {
  /** The messages' file: one message value (the JSON the jobs read) per line. */
  readonly path: string;
  /** The dead letters' file: `{"reason","detail","raw","received_at"}` per line. */
  readonly deadLetterPath: string;
}

/**
 * `ingest --to FILE`: the messages and dead letters as two JSON Lines files, with no service. A
 * message's line is its value alone, so the file is a job's input as it is (`hexstream test --job
 * top-averages --input FILE`): the key and the timestamp are the value's `symbol` and `ts`.
 *
 *   open:  keep a non-empty file of an earlier run as <name>.<time last written>.jsonl, start new ones
 *   send:  append the lines to each file, fsync'd ─▶ resolved: durable
 */
export class FeedFileSink implements FeedSinkPort {
  private messages: FileOutput | undefined;
  private deadLetters: FileOutput | undefined;

  constructor(private readonly options: FeedFileSinkOptions) {}

  async open(): Promise<void> {
    if (this.messages !== undefined) return;
    this.messages = await openFileOutput(this.options.path, { mode: 'fresh', keepPrevious: true });
    this.deadLetters = await openFileOutput(this.options.deadLetterPath, { mode: 'fresh', keepPrevious: true });
  }

  async send(messages: readonly FeedMessage[], deadLetters: readonly FeedDeadLetter[]): Promise<void> {
    const { messages: file, deadLetters: letters } = this;
    if (file === undefined || letters === undefined)
      throw new HexstreamError('SINK_WRITE_FAILED', `ingest output ${this.options.path} used before open()`);
    if (messages.length > 0) await file.write(messages.map((m) => `${m.value}\n`).join(''), true);
    if (deadLetters.length > 0) await letters.write(deadLetters.map(deadLetterLine).join(''), true);
  }

  async close(): Promise<void> {
    const { messages, deadLetters } = this;
    this.messages = undefined;
    this.deadLetters = undefined;
    await messages?.complete();
    await deadLetters?.complete();
  }
}

/** One dead letter as a line of the dead letters' file. */
export function deadLetterLine(d: FeedDeadLetter): string {
  const receivedAt = new Date(d.receivedAtMs).toISOString();
  return `${JSON.stringify({ reason: d.reason, detail: d.detail, raw: d.raw, received_at: receivedAt })}\n`;
}
