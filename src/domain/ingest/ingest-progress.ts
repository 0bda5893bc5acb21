import type { LogContext } from '../../ports/logger.port';
import { seconds } from '../pipeline/progress-line';
import type { IngestReading } from './ingest-settings';

/** Every dead letter sent so far, whatever its reason. */
export function deadLetterTotal(reading: IngestReading): number {
  return Object.values(reading.counters.deadLetters).reduce((a, b) => a + b, 0);
}

/**
 * The fields of an `ingest progress` line. `rate` is messages per second since the previous line
 * (0 while the feed is quiet or an outage holds everything back); `outage` names the side, what
 * failed and for how long.
 */
export class IngestProgressLine {
  private lastMs: number;
  private lastMessages = 0;

  constructor(startedAtMs: number) {
    this.lastMs = startedAtMs;
  }

  lastLoggedMs(): number {
    return this.lastMs;
  }

  next(reading: IngestReading): LogContext {
    const c = reading.counters;
    const intervalMs = reading.nowMs - this.lastMs;
    const rate = intervalMs > 0 ? Math.round(((c.messages - this.lastMessages) * 10_000) / intervalMs) / 10 : 0;
    this.lastMs = reading.nowMs;
    this.lastMessages = c.messages;
    const o = reading.outage;
    return {
      payloads: c.payloads,
      messages: c.messages,
      rate,
      deadLetters: deadLetterTotal(reading),
      unchanged: c.unchanged,
      pending: reading.pending,
      outage: o === undefined ? undefined : `${o.side} ${o.what} for ${seconds(reading.nowMs - o.sinceMs)}`,
    };
  }
}
