import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { once } from 'node:events';
import { inject, injectable, type ServiceIdentifier } from 'inversify';
import { HexstreamError } from '../../domain/hexstream-error';
import type { DeadLetter, ResultRow } from '../../domain/records';
import type { TableSchema } from '../../domain/table-schema';
import type { SinkCheckpoint, SinkPort, TriggerCommit } from '../../ports/sink.port';
import { ClockPort } from '../../ports/clock.port';
import { JsonLineEncoder } from './json-line-encoder';

export interface JsonLinesFileSinkOptions {
  /** The final table, one JSON object per row. */
  readonly tablePath: string;
  /** Dead letters, one JSON object per record. */
  readonly deadLetterPath: string;
}

export const JsonLinesFileSinkOptions: ServiceIdentifier<JsonLinesFileSinkOptions> = Symbol.for('hexstream.JsonLinesFileSinkOptions');

/**
 * Writes the final result table and the dead letters as JSON Lines. A file cannot be updated in
 * place, so a row is held in memory until it is final (its window closed: `finalAtMs <=
 * closedUpToMs`) and then written once; memory is bounded by the open windows, as in the engine.
 *
 *   commit k:  rows ─▶ pending[finalAt][key] (last value wins)
 *              closedUpTo ─▶ write every pending bucket with finalAt <= closedUpTo, drop it
 *   close:     write what is left (windows still open when a run stops)
 *
 * Each run starts the files afresh and returns no checkpoint: test mode always reads its input from
 * the beginning. Not atomic across a crash (a file sink's limit); the database sinks are.
 */
@injectable()
export class JsonLinesFileSink implements SinkPort {
  private table: WriteStream | undefined;
  private deadLetters: WriteStream | undefined;
  private encoder: JsonLineEncoder | undefined;
  /** finalAt → row key → last value, with the time of its last upsert (`updated_at`). */
  private readonly pending = new Map<number, Map<string, PendingRow>>();
  private writtenUpTo = -Infinity;
  rowsWritten = 0;

  constructor(
    @inject(JsonLinesFileSinkOptions) private readonly options: JsonLinesFileSinkOptions,
    @inject(ClockPort) private readonly clock: ClockPort,
  ) {}

  async open(table: TableSchema): Promise<SinkCheckpoint | undefined> {
    this.encoder = new JsonLineEncoder(table);
    this.pending.clear();
    this.writtenUpTo = -Infinity;
    this.rowsWritten = 0;
    this.table = await openOutput(this.options.tablePath);
    this.deadLetters = await openOutput(this.options.deadLetterPath);
    return undefined;
  }

  async checkpoint(): Promise<SinkCheckpoint | undefined> {
    return undefined;
  }

  async commit(trigger: TriggerCommit): Promise<void> {
    if (this.encoder === undefined) throw new HexstreamError('SINK_WRITE_FAILED', 'file sink used before open()');
    const now = this.clock.now();
    for (const row of trigger.rows) {
      // Rows at or before what was written are final and unchanged (complete mode re-emits them).
      if (row.finalAtMs <= this.writtenUpTo) continue;
      let bucket = this.pending.get(row.finalAtMs);
      if (bucket === undefined) {
        bucket = new Map();
        this.pending.set(row.finalAtMs, bucket);
      }
      // Encoded only once final: in update mode most rows are upserted more than once.
      bucket.set(row.key, { row, upsertedAtMs: now });
    }
    if (trigger.deadLetters.length > 0) await write(this.deadLetters, trigger.deadLetters.map(deadLetterLine).join(''), this.options.deadLetterPath);
    await this.writeFinal(trigger.closedUpToMs);
  }

  async close(): Promise<void> {
    await this.writeFinal(Infinity);
    await Promise.all([finish(this.table, this.options.tablePath), finish(this.deadLetters, this.options.deadLetterPath)]);
    this.table = undefined;
    this.deadLetters = undefined;
  }

  private async writeFinal(upToMs: number): Promise<void> {
    const due = [...this.pending.keys()].filter((t) => t <= upToMs).sort((a, b) => a - b);
    if (due.length === 0) return;
    const enc = this.encoder;
    if (enc === undefined) throw new HexstreamError('SINK_WRITE_FAILED', 'file sink used before open()');
    for (const finalAt of due) {
      for (const { row, upsertedAtMs } of (this.pending.get(finalAt) as Map<string, PendingRow>).values()) {
        enc.encode(row, upsertedAtMs);
        this.rowsWritten++;
        if (enc.length >= 1 << 20) await write(this.table, enc.take(), this.options.tablePath);
      }
      this.pending.delete(finalAt);
    }
    if (enc.length > 0) await write(this.table, enc.take(), this.options.tablePath);
    this.writtenUpTo = Math.max(this.writtenUpTo, upToMs);
  }
}

interface PendingRow {
  readonly row: ResultRow;
  readonly upsertedAtMs: number;
}

/** ARCHITECTURE §5's dead-letter object; `raw_bytes` (the record's full size) only when `raw` holds just its start. */
export function deadLetterLine(d: DeadLetter): string {
  const size = d.rawBytes === undefined ? {} : { raw_bytes: d.rawBytes };
  return `${JSON.stringify({ reason: d.reason, detail: d.detail, raw: d.raw, ...size, partition: d.partition, position: d.position })}\n`;
}

async function openOutput(path: string): Promise<WriteStream> {
  try {
    await mkdir(dirname(path), { recursive: true });
    const stream = createWriteStream(path, { flags: 'w' });
    await once(stream, 'open');
    return stream;
  } catch (e) {
    throw new HexstreamError('SINK_UNAVAILABLE', `cannot open output ${path}: ${(e as Error).message}`, { cause: e });
  }
}

async function write(stream: WriteStream | undefined, text: string | Buffer, path: string): Promise<void> {
  if (stream === undefined) throw new HexstreamError('SINK_WRITE_FAILED', `output ${path} is not open`);
  if (text.length === 0) return;
  if (!stream.write(text)) await drained(stream, path);
}

/** Waits for a full stream buffer to drain, failing if the stream errors first. */
function drained(stream: WriteStream, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = (): void => {
      stream.off('error', onError);
      resolve();
    };
    const onError = (error: Error): void => {
      stream.off('drain', onDrain);
      reject(new HexstreamError('SINK_WRITE_FAILED', `cannot write ${path}: ${error.message}`, { cause: error }));
    };
    stream.once('drain', onDrain);
    stream.once('error', onError);
  });
}

async function finish(stream: WriteStream | undefined, path: string): Promise<void> {
  if (stream === undefined) return;
  try {
    stream.end();
    await once(stream, 'finish');
  } catch (e) {
    throw new HexstreamError('SINK_WRITE_FAILED', `cannot finish ${path}: ${(e as Error).message}`, { cause: e });
  }
}
