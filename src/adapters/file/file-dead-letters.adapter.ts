import type { DeadLetter } from '../../domain/records';
import type { DeadLetterPort } from '../../ports/dead-letter.port';
import { openFileOutput, type FileOutput } from './file-output';
import { deadLetterLine } from './jsonl-file-sink.adapter';

/**
 * The dead-letter port on a JSON Lines file (one object per line, as `test` mode writes them):
 *
 *   first letter, or close:  keep a non-empty file of an earlier run as <name>.<time last written>.jsonl
 *   publish:                 append the letters, fsync'd
 *
 * The use case publishes before the rows' transaction (`commit-trigger.ts`), so a crash between
 * the two writes them again when the records are read again: at-least-once, never lost; a reader
 * drops repeats by (source, partition, position). Each run starts a new file, as `test` does, so
 * the file holds exactly the dead letters its run counted; a resumed run's earlier dead letters
 * are in the file kept beside it. A failed write fails the trigger (`SINK_WRITE_FAILED`, naming
 * the file and the errno) before its rows are written.
 */
export class FileDeadLetters implements DeadLetterPort {
  private file: FileOutput | undefined;
  /** Between `open` and the run's end: the file is started by the first letter, or at the close. */
  private running = false;

  constructor(private readonly path: string) {}

  /**
   * Opened before the result store (see `openOutput`), so the file waits for the first letter or
   * the close: a run that cannot reach its database (aborted) starts no new file.
   */
  async open(): Promise<void> {
    this.running = true;
  }

  async publish(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    const file = await this.opened();
    await file.write(letters.map(deadLetterLine).join(''), true);
  }

  /** Completes the run's file: an empty one when the run had no dead letter, as each run starts a new file. */
  async close(): Promise<void> {
    const file = this.running ? await this.opened() : this.file;
    this.file = undefined;
    this.running = false;
    await file?.complete();
  }

  async abort(): Promise<void> {
    const file = this.file;
    this.file = undefined;
    this.running = false;
    // What was written is durable and belongs to committed or re-read records: kept, only closed.
    await file?.discard();
  }

  /** The run's file; opened again after an outage of the table sink, the same run goes on writing it. */
  private async opened(): Promise<FileOutput> {
    this.file ??= await openFileOutput(this.path, { mode: 'fresh', keepPrevious: true });
    return this.file;
  }
}
