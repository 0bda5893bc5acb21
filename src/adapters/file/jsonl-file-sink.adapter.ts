import { inject, injectable, type ServiceIdentifier } from 'inversify';
import { HexstreamError } from '../../domain/hexstream-error';
import type { DeadLetter } from '../../domain/records';
import type { TableSchema } from '../../domain/table-schema';
import type { StoreWithDeadLetters } from '../../domain/pipeline/pipeline-output';
import type { DeadLetterPort } from '../../ports/dead-letter.port';
import type { StoreCommit, StoredCheckpoint } from '../../ports/result-store.port';
import { ClockPort } from '../../ports/clock.port';
import { openFileOutput, type FileOutput } from './file-output';
import { JsonLineEncoder } from './json-line-encoder';
import { ChunkPool, RowArena } from './row-arena';

export interface JsonLinesFileSinkOptions {
  /** The final table, one JSON object per row. */
  readonly tablePath: string;
  /** Dead letters, one JSON object per record. */
  readonly deadLetterPath: string;
}

export const JsonLinesFileSinkOptions: ServiceIdentifier<JsonLinesFileSinkOptions> = Symbol.for(
  'hexstream.JsonLinesFileSinkOptions',
);

/**
 * Test mode's result store and, through `deadLetterPort`, its dead letters, as JSON Lines. A file cannot be updated in
 * place, so a row is held in memory until it is final (its window closed: `finalAtMs <=
 * closedUpToMs`) and then written once; memory is bounded by the open windows, as in the engine.
 * A row is held encoded (with its `updated_at`, the time of the commit that upserted it last), in
 * an arena outside the JavaScript heap (`RowArena`): the row object dies young.
 *
 *   commit k:  rows ─▶ encode ─▶ pending[finalAt]: arena slot per key (last value wins)
 *              closedUpTo ─▶ write every pending bucket with finalAt <= closedUpTo, drop it
 *   close:     write what is left (windows still open when a run stops)
 *
 * Dead letters are appended as published (before the commit of their trigger, at least once; test
 * mode never re-reads, so exactly once in practice). Each run starts the files afresh and returns
 * no checkpoint: test mode always reads its input from
 * the beginning. Both files are written under temporary names and renamed into place by `close()`,
 * so a file that is there is whole; a failed write (a full disk) fails the commit, and `abort()` —
 * or a `close()` after a failed write — removes the temporary files and leaves the targets as they
 * were. A non-empty dead-letter file of an earlier run is kept under a dated name, never lost.
 */
@injectable()
export class JsonLinesFileSink implements StoreWithDeadLetters {
  private table: FileOutput | undefined;
  private deadLetters: FileOutput | undefined;
  /** A write failed: what was written is not the whole table and must not be put in place. */
  private failed = false;
  private encoder: JsonLineEncoder | undefined;
  /** finalAt → the rows final then: row key → arena slot of its last value, encoded. */
  private readonly pending = new Map<number, PendingBucket>();
  private writtenUpTo = -Infinity;
  /** The arenas' chunks, reused from one window to the next. */
  private readonly chunks = new ChunkPool();
  rowsWritten = 0;

  /** Writes into this store's dead-letter file; opened and closed with the store. */
  readonly deadLetterPort: DeadLetterPort = {
    open: async () => undefined,
    publish: async (letters) => {
      if (letters.length > 0)
        await this.write(this.deadLetters, letters.map(deadLetterLine).join(''), this.options.deadLetterPath);
    },
    close: async () => undefined,
  };

  constructor(
    @inject(JsonLinesFileSinkOptions) private readonly options: JsonLinesFileSinkOptions,
    @inject(ClockPort) private readonly clock: ClockPort,
  ) {}

  async open(table: TableSchema): Promise<StoredCheckpoint | undefined> {
    this.encoder = new JsonLineEncoder(table);
    this.pending.clear();
    this.writtenUpTo = -Infinity;
    this.rowsWritten = 0;
    this.failed = false;
    await this.abort();
    this.table = await openFileOutput(this.options.tablePath, { mode: 'replace' });
    try {
      this.deadLetters = await openFileOutput(this.options.deadLetterPath, { mode: 'replace', keepPrevious: true });
    } catch (e) {
      await this.abort();
      throw e;
    }
    return undefined;
  }

  async checkpoint(): Promise<StoredCheckpoint | undefined> {
    return undefined;
  }

  async commit(trigger: StoreCommit): Promise<void> {
    if (this.encoder === undefined) throw new HexstreamError('SINK_WRITE_FAILED', 'file sink used before open()');
    const enc = this.encoder;
    const now = this.clock.now();
    for (const row of trigger.rows) {
      // Rows at or before what was written are final and unchanged (complete mode re-emits them).
      if (row.finalAtMs <= this.writtenUpTo) continue;
      let bucket = this.pending.get(row.finalAtMs);
      if (bucket === undefined) {
        bucket = { arena: new RowArena(this.chunks), slots: new Map() };
        this.pending.set(row.finalAtMs, bucket);
      }
      // `updated_at` is the time of this upsert: what a later write of the row must say.
      enc.encode(row, now);
      bucket.slots.set(row.key, enc.moveInto(bucket.arena, bucket.slots.get(row.key)));
    }
    await this.writeFinal(trigger.closedUpToMs);
  }

  /** Writes what is left (windows still open when a run stops) and puts both files in place. */
  async close(): Promise<void> {
    if (this.failed) return this.abort();
    const table = this.table;
    const deadLetters = this.deadLetters;
    if (table === undefined || deadLetters === undefined) return;
    try {
      await this.writeFinal(Infinity);
      // Both durable before either is put in place: a failure leaves both files as they were.
      await table.finish();
      await deadLetters.finish();
      await table.complete();
      this.table = undefined;
      await deadLetters.complete();
      this.deadLetters = undefined;
    } catch (e) {
      await this.abort();
      throw e;
    }
  }

  /** After a failed run: removes the temporary files; no output file changes. */
  async abort(): Promise<void> {
    const outputs = [this.table, this.deadLetters];
    this.table = undefined;
    this.deadLetters = undefined;
    await Promise.all(outputs.map((o) => (o === undefined ? Promise.resolve() : o.discard())));
  }

  private async write(output: FileOutput | undefined, data: string | Uint8Array, path: string): Promise<void> {
    if (output === undefined) throw new HexstreamError('SINK_WRITE_FAILED', `output ${path} is not open`);
    if (data.length === 0) return;
    try {
      await output.write(data);
    } catch (e) {
      this.failed = true;
      throw e;
    }
  }

  /**
   * Writes the encoder's bytes and reuses its buffer (the write is done when this resolves): one
   * buffer for the run instead of one per megabyte written.
   */
  private async writeEncoded(enc: JsonLineEncoder): Promise<void> {
    try {
      await this.write(this.table, enc.encoded(), this.options.tablePath);
    } finally {
      enc.clear();
    }
  }

  private async writeFinal(upToMs: number): Promise<void> {
    const due = [...this.pending.keys()].filter((t) => t <= upToMs).sort((a, b) => a - b);
    if (due.length === 0) return;
    const enc = this.encoder;
    if (enc === undefined) throw new HexstreamError('SINK_WRITE_FAILED', 'file sink used before open()');
    for (const finalAt of due) {
      const { arena, slots } = this.pending.get(finalAt) as PendingBucket;
      for (const slot of slots.values()) {
        arena.writeTo(slot, enc);
        this.rowsWritten++;
        if (enc.length >= 1 << 20) await this.writeEncoded(enc);
      }
      this.pending.delete(finalAt);
      arena.release();
    }
    if (enc.length > 0) await this.writeEncoded(enc);
    this.writtenUpTo = Math.max(this.writtenUpTo, upToMs);
  }
}

/** The rows of one `finalAt`, in the order of their first upsert (a Map keeps it): the order they are written in. */
interface PendingBucket {
  readonly arena: RowArena;
  readonly slots: Map<string, number>;
}

/**
 * ARCHITECTURE §5's dead-letter object; `raw_bytes` (the record's full size) only when `raw` holds
 * just its start; `source`, the file the record came from, when it was read from one (a file's
 * `partition` is an index or a hash of its name, which a reader cannot map back).
 */
export function deadLetterLine(d: DeadLetter): string {
  const size = d.rawBytes === undefined ? {} : { raw_bytes: d.rawBytes };
  const source = d.source === undefined ? {} : { source: d.source };
  return `${JSON.stringify({ reason: d.reason, detail: d.detail, raw: d.raw, ...size, ...source, partition: d.partition, position: d.position })}\n`;
}
