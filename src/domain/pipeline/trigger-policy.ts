import type { TriggerOutput } from '../engine/stream-engine';
import type { PipelineSettings } from './pipeline-settings';

/** The settings a trigger decision depends on. */
export type TriggerSettings = Pick<PipelineSettings, 'triggerIntervalMs' | 'triggerRecords' | 'onStop' | 'atEnd'>;

/** Where the run stands when a trigger may be due. */
export interface TriggerClock {
  readonly nowMs: number;
  readonly lastTriggerMs: number;
  /** Records processed since the last trigger. */
  readonly pending: number;
  /** A bounded input was read to its end. */
  readonly exhausted: boolean;
}

/** What the end of a bounded input, or a stop, does with the windows still open. */
export type OpenWindowsAction = 'finish' | 'flush-open' | 'keep';

/**
 * A trigger with nothing to write: no row, no dead letter, no window closed, and every position
 * where the last commit left it. Committing it would only move an idle watermark, which the next
 * real commit carries anyway.
 */
export function nothingToWrite(out: TriggerOutput, committed: ReadonlyMap<number, number>): boolean {
  if (out.rows.length > 0 || out.deadLetters.length > 0 || out.closedWindows > 0) return false;
  for (const [p, n] of out.positions) if (committed.get(p) !== n) return false;
  return true;
}

/**
 * When a trigger fires and what it commits:
 *
 *   records ≥ triggerRecords ─┐
 *   now − last ≥ interval ────┼─▶ fire ─▶ nothing to write? ──yes, not durable──▶ skip the commit
 *   end of a bounded input ───┤                  └─ otherwise ─▶ commit (the last one of a
 *   stop (once, after the loop)┘                                  checkpointing run with a snapshot)
 */
export class TriggerPolicy {
  constructor(private readonly settings: TriggerSettings) {}

  /** How many records the next poll may bring: the rest of this trigger's count, at least one. */
  maxRecords(pending: number): number {
    return Math.max(1, this.settings.triggerRecords - pending);
  }

  /** How long the next poll may wait for a record: until the interval is up. */
  maxWaitMs(nowMs: number, lastTriggerMs: number): number {
    return Math.max(0, lastTriggerMs + this.settings.triggerIntervalMs - nowMs);
  }

  /** Whichever comes first: the end of the input, the record count, the interval. */
  isDue(at: TriggerClock): boolean {
    const s = this.settings;
    return at.exhausted || at.pending >= s.triggerRecords || at.nowMs - at.lastTriggerMs >= s.triggerIntervalMs;
  }

  /**
   * Whether a trigger is committed: always when it must be durable before going on (the last one,
   * one before a rebalance), else only with something to write (an idle stream would otherwise
   * commit every interval).
   */
  commits(out: TriggerOutput, committedPositions: ReadonlyMap<number, number>, durable: boolean): boolean {
    return durable || !nothingToWrite(out, committedPositions);
  }

  /** The last trigger of a run that resumes stores the engine's whole state with it. */
  takesSnapshot(last: boolean): boolean {
    return last && this.settings.onStop !== 'flush';
  }

  /** A finished file stops holding the watermark back; a Kafka partition read to its end keeps its watermark for the next run. */
  endsPartitions(): boolean {
    return this.settings.onStop !== 'checkpoint';
  }

  /** At the end of a bounded input: flush every window, write the open ones but keep state, or keep them for the next run. */
  atEndOfInput(): OpenWindowsAction {
    if (this.settings.onStop !== 'checkpoint') return 'finish';
    return this.settings.atEnd === 'flush' ? 'flush-open' : 'keep';
  }

  /** On a stop mid-stream: only a run that does not resume flushes. */
  onStopMidStream(): OpenWindowsAction {
    return this.settings.onStop === 'flush' ? 'finish' : 'keep';
  }

  /** What became of the windows still open when the run ended. */
  openWindowsAtEnd(completed: boolean): 'flushed' | 'kept' {
    const s = this.settings;
    const flushed = s.onStop === 'flush' || (completed && (s.onStop === 'flush-at-end' || s.atEnd === 'flush'));
    return flushed ? 'flushed' : 'kept';
  }
}
