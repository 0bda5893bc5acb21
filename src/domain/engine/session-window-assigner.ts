import type { JobDefinition } from '../jobs/job';
import { SessionWindows } from '../windowing/session-windows';
import type { SessionWindowSpec } from '../windowing/window-spec';
import type { EngineCounters } from './engine-counters';
import type { AssignerSnapshot, WindowAssigner } from './window-assigner';
import { emitSessions, type Emission } from './window-emission';
import { restoreSessions, snapshotSessions } from './session-snapshots';

/**
 * Session windows per group key (see `SessionWindows`), append mode only. An event is late when
 * behind the watermark (`t < W`): a session closes once W reaches its end, so an event behind W
 * might belong to one already written, and accepting it would start a second session where a
 * batch computation has one, depending on when triggers fired. Events at or after W never touch a
 * closed session, so the result is the batch one.
 */
export class SessionWindowAssigner<E, G, A> implements WindowAssigner<E> {
  private readonly sessions: SessionWindows<E, G, A>;
  /** The placed event's time. */
  private t = 0;

  constructor(
    private readonly job: JobDefinition<E, G, A>,
    private readonly spec: SessionWindowSpec,
  ) {
    this.sessions = new SessionWindows(spec.gapMs, job.combiner, (event) => job.groupFields(event));
  }

  timeOf(event: E): number {
    return this.job.eventTimeMs(event);
  }

  assign(t: number, w: number): number | undefined {
    if (t < w) return undefined;
    this.t = t;
    // A duplicate can only be an event of the same session: while the event's own window is open.
    return t + this.spec.gapMs;
  }

  closedOfAssigned(): number {
    return 0;
  }

  closedWhy(): string {
    return 'sessions up to the watermark may be closed';
  }

  add(event: E, key: string, partition: number, position: number): number {
    return this.sessions.add(key, event, this.t, partition, position);
  }

  emit(closeUpTo: number, counters: EngineCounters): Emission {
    return emitSessions(this.sessions, this.job, closeUpTo, counters);
  }

  snapshot(): AssignerSnapshot {
    return { windows: [], sessions: snapshotSessions(this.sessions) };
  }

  restore(snapshot: AssignerSnapshot): number {
    return restoreSessions(this.sessions, snapshot.sessions ?? []);
  }

  size(): number {
    return this.sessions.size();
  }

  firstPosition(partition: number): number | undefined {
    return this.sessions.firstPosition(partition);
  }
}
