import { HexstreamError } from '../../domain/hexstream-error';
import type { FeedDeadLetter, FeedMessage, FeedSinkPort } from '../../ports/feed-sink.port';

/**
 * Keeps what `ingest` sends, in order, for tests. `down` makes every `send` reject with
 * `SINK_UNAVAILABLE` (a broker outage) until it is set back; `failNext` makes the next sends
 * reject with an error of the test's choice. A rejected send keeps nothing of its batch.
 */
export class MemoryFeedSink implements FeedSinkPort {
  readonly messages: FeedMessage[] = [];
  readonly deadLetters: FeedDeadLetter[] = [];
  /** Every `send` call's sizes, rejected ones included: [messages, dead letters, accepted]. */
  readonly sends: Array<readonly [number, number, boolean]> = [];
  down = false;
  opened = false;
  closed = false;
  private failures: Error[] = [];

  /** The next `errors.length` sends reject with these errors, in order. */
  failNext(...errors: Error[]): void {
    this.failures.push(...errors);
  }

  async open(): Promise<void> {
    this.opened = true;
  }

  async send(messages: readonly FeedMessage[], deadLetters: readonly FeedDeadLetter[]): Promise<void> {
    if (!this.opened || this.closed) throw new Error(`send to a sink that is ${this.closed ? 'closed' : 'not open'}`);
    const failure = this.down ? new HexstreamError('SINK_UNAVAILABLE', 'broker unreachable') : this.failures.shift();
    this.sends.push([messages.length, deadLetters.length, failure === undefined]);
    if (failure !== undefined) throw failure;
    this.messages.push(...messages);
    this.deadLetters.push(...deadLetters);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
