import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { HexstreamError } from '../../domain/hexstream-error';
import type { TableSchema } from '../../domain/table-schema';
import type { SinkCheckpoint, SinkPort, TriggerCommit } from '../../ports/sink.port';
import { deadLetterLine } from './jsonl-file-sink.adapter';

/**
 * Appends a trigger's dead letters to a JSON Lines file (one object per line, as `test` mode writes
 * them), then hands the rest of the trigger to the table sink:
 *
 *   commit:  append dead letters (fsync'd) ─▶ inner.commit(rows + checkpoint)
 *
 * Written before the rows' transaction, so a crash between the two writes them again when the
 * records are read again: at-least-once, never lost; a reader drops repeats by (partition,
 * position). The file is appended to, never truncated, so runs that resume add to it.
 */
export class FileDeadLetterSink implements SinkPort {
  constructor(
    private readonly inner: SinkPort,
    private readonly path: string,
  ) {}

  async open(table: TableSchema): Promise<SinkCheckpoint | undefined> {
    try {
      await mkdir(dirname(this.path), { recursive: true });
      await appendFile(this.path, '');
    } catch (e) {
      throw new HexstreamError('SINK_UNAVAILABLE', `cannot open dead-letter file ${this.path}: ${(e as Error).message}`, { cause: e });
    }
    return this.inner.open(table);
  }

  checkpoint(): Promise<SinkCheckpoint | undefined> {
    return this.inner.checkpoint();
  }

  async commit(trigger: TriggerCommit): Promise<void> {
    if (trigger.deadLetters.length > 0) {
      try {
        await appendFile(this.path, trigger.deadLetters.map(deadLetterLine).join(''), { flush: true });
      } catch (e) {
        throw new HexstreamError('SINK_WRITE_FAILED', `cannot write dead letters to ${this.path}: ${(e as Error).message}`, { cause: e });
      }
    }
    await this.inner.commit(trigger);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
