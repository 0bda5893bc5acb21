/**
 * At most one alert per key (the SMTP notifier uses the subject line) every `intervalMs`; the
 * alerts held back in between are counted so that the next one to go out can say so.
 *
 *   alerts with one key:  A1    a2    a3          A4    a5               A6    ──▶ time
 *                         ├── intervalMs ──┤      ├── intervalMs ──┤
 *
 *   A1 goes out; a2 and a3 are counted; A4 goes out with "2 similar alerts suppressed since <a2>";
 *   a5 is counted; A6 goes out with "1 similar alert suppressed since <a5>".
 *
 * The slot is taken when an alert is admitted, not when its delivery ends, so two alerts sent
 * concurrently cannot both go out. A failed delivery gives the slot back (`release`) and hands its
 * count on: the operator was told nothing, so the next alert may go at once and still says how
 * many came before it.
 *
 * Plain data and a caller-supplied time: no clock, no timers. Memory is bounded by the keys seen
 * within one interval, plus keys whose count is still to be told.
 */
export class AlertThrottle {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly intervalMs: number) {}

  /**
   * Decides whether an alert with `key` goes out at `now` (epoch ms). `undefined`: it is
   * suppressed and counted. Otherwise the admission carries the count to mention.
   */
  admit(key: string, now: number): Admission | undefined {
    this.forgetQuiet(now);
    const previous = this.windows.get(key);
    if (previous !== undefined && this.withinInterval(previous, now)) {
      previous.suppressed += 1;
      previous.firstSuppressedAt ??= now;
      return undefined;
    }
    const reserved: Window = { lastSentAt: now, suppressed: 0, firstSuppressedAt: undefined };
    this.windows.set(key, reserved);
    const suppressed = previous?.suppressed ?? 0;
    const since = previous?.firstSuppressedAt;
    return {
      suppressed,
      since,
      release: (): void => {
        const latest = this.windows.get(key) ?? { lastSentAt: undefined, suppressed: 0, firstSuppressedAt: undefined };
        if (latest === reserved) latest.lastSentAt = undefined;
        latest.suppressed += suppressed;
        latest.firstSuppressedAt = earliest(latest.firstSuppressedAt, since);
        if (latest.lastSentAt === undefined && latest.suppressed === 0) this.windows.delete(key);
        else this.windows.set(key, latest);
      },
    };
  }

  /** A clock that went backwards opens the window rather than holding alerts until it catches up. */
  private withinInterval(window: Window, now: number): boolean {
    return window.lastSentAt !== undefined && now >= window.lastSentAt && now - window.lastSentAt < this.intervalMs;
  }

  private forgetQuiet(now: number): void {
    for (const [key, window] of this.windows) {
      if (window.suppressed === 0 && !this.withinInterval(window, now)) this.windows.delete(key);
    }
  }
}

export interface Admission {
  /** Alerts with the same key suppressed since the last one that went out; 0 if none. */
  readonly suppressed: number;
  /** When the first of them was suppressed (epoch ms); `undefined` when `suppressed` is 0. */
  readonly since: number | undefined;
  /** Call when the admitted alert could not be delivered. */
  release(): void;
}

interface Window {
  /** The last alert admitted; `undefined` after a failed delivery (the next one may go at once). */
  lastSentAt: number | undefined;
  suppressed: number;
  firstSuppressedAt: number | undefined;
}

function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
