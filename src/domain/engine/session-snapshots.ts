import type { SessionWindows } from '../windowing/session-windows';
import type { SessionSnapshot } from './engine-snapshot';
import { decodeState, encodeState } from './state-codec';

export function snapshotSessions<E, G, A>(sessions: SessionWindows<E, G, A>): SessionSnapshot[] {
  return sessions.all().map((s) => ({
    key: s.key,
    startMs: s.startMs,
    endMs: s.endMs,
    firstPositions: [...s.firstPositions],
    group: encodeState(s.group),
    acc: encodeState(s.acc),
  }));
}

/** Puts the sessions of a snapshot back; returns how many. */
export function restoreSessions<E, G, A>(
  sessions: SessionWindows<E, G, A>,
  snapshots: readonly SessionSnapshot[],
): number {
  for (const s of snapshots) {
    sessions.restore({
      key: s.key,
      startMs: s.startMs,
      endMs: s.endMs,
      group: decodeState(s.group) as G,
      acc: decodeState(s.acc) as A,
      firstPositions: new Map(s.firstPositions),
    });
  }
  return snapshots.length;
}
