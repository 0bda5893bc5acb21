import type { TableSchema } from '../../domain/table-schema';
import type { SinkCheckpoint, SinkPort, TriggerCommit } from '../../ports/sink.port';
import { openFileOutput, type FileOutput } from './file-output';
import { deadLetterLine } from './jsonl-file-sink.adapter';

/**
 * Writes a trigger's dead letters to a JSON Lines file (one object per line, as `test` mode writes
 * them), then hands the rest of the trigger to the table sink:
 *
 *   open:    keep a non-empty file of an earlier run as <name>.<time it was last written>.jsonl
 *   commit:  write dead letters (fsync'd) ─▶ inner.commit(rows + checkpoint)
 *
 * Written before the rows' transaction, so a crash between the two writes them again when the
 * records are read again: at-least-once, never lost; a reader drops repeats by (source, partition,
 * position). Each run starts a new file, as `test` does, so the file holds exactly the dead letters
 * its run counted; a resumed run's earlier dead letters are in the file kept beside it. A failed
 * write fails the commit (`SINK_WRITE_FAILED`, naming the file and the errno) before the rows are.
 */
export class FileDeadLetterSink implements SinkPort {
  private file: FileOutput | undefined;

  constructor(
    private readonly inner: SinkPort,
    private readonly path: string,
  ) {}

  async open(table: TableSchema): Promise<SinkCheckpoint | undefined> {
    // The table first: a run that cannot reach its database starts no new dead-letter file.
    const checkpoint = await this.inner.open(table);
    await this.opened();
    return checkpoint;
  }

  checkpoint(): Promise<SinkCheckpoint | undefined> {
    return this.inner.checkpoint();
  }

  async commit(trigger: TriggerCommit): Promise<void> {
    if (trigger.deadLetters.length > 0) {
      const file = await this.opened();
      await file.write(trigger.deadLetters.map(deadLetterLine).join(''), true);
    }
    await this.inner.commit(trigger);
  }

  async close(): Promise<void> {
    const file = this.file;
    this.file = undefined;
    try {
      await file?.complete();
    } finally {
      await this.inner.close();
    }
  }

  async abort(): Promise<void> {
    const file = this.file;
    this.file = undefined;
    // What was written is durable and belongs to committed or re-read records: kept, only closed.
    await file?.discard();
    await (this.inner.abort?.() ?? this.inner.close());
  }

  /** The run's file; opened again after an outage of the table sink, the same run goes on writing it. */
  private async opened(): Promise<FileOutput> {
    this.file ??= await openFileOutput(this.path, { mode: 'fresh', keepPrevious: true });
    return this.file;
  }
}
