import type { DeadLetter } from '../../domain/records';
import type { DeadLetterPort } from '../../ports/dead-letter.port';

/**
 * Dead letters kept in a list as they are published: durable at once, at least once (a letter
 * published before a commit that then failed stays, and comes again when its record is re-read).
 * `failNextPublish` makes the next publish reject with nothing kept.
 */
export class MemoryDeadLetters implements DeadLetterPort {
  readonly letters: DeadLetter[] = [];
  private failure: Error | undefined;
  closed = false;

  failNextPublish(error: Error): void {
    this.failure = error;
  }

  async open(): Promise<void> {
    this.closed = false;
  }

  async publish(letters: readonly DeadLetter[]): Promise<void> {
    if (this.failure !== undefined) {
      const error = this.failure;
      this.failure = undefined;
      throw error;
    }
    this.letters.push(...letters);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
