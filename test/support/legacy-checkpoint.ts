import type { CommittedState } from '../../src/domain/engine/engine-state.codec';

/** The instant the legacy checkpoints below are written around. */
export const LEGACY_W0 = Date.UTC(2026, 0, 2, 3, 4, 0, 0);

const W0 = LEGACY_W0;

/**
 * What a build before the opaque engine state committed for three partitions of one group (a
 * replay point each, +∞ and −∞ among the instants, one snapshot), as every store must resume it
 * after its migration: the MySQL and PostgreSQL schema migrations and the Kafka checkpoint topic's
 * reader are tested against this one value.
 */
export const LEGACY_RESUMED = {
  positions: new Map([
    [0, 812],
    [1, 40],
    [2, 0],
  ]),
  watermarks: new Map([
    [0, W0],
    [1, Infinity],
    [2, -Infinity],
  ]),
  engine: {
    partitions: new Map([
      [
        0,
        {
          nextPosition: 812,
          watermarkMs: W0,
          replayFrom: 500,
          replayMaxEventMs: W0 - 1_500,
          closedUpToMs: W0 - 60_000,
        },
      ],
      [
        1,
        {
          nextPosition: 40,
          watermarkMs: Infinity,
          replayFrom: 40,
          replayMaxEventMs: -Infinity,
          closedUpToMs: Infinity,
        },
      ],
      [
        2,
        {
          nextPosition: 0,
          watermarkMs: -Infinity,
          replayFrom: 0,
          replayMaxEventMs: -Infinity,
          closedUpToMs: -Infinity,
        },
      ],
    ]),
  },
  snapshots: [{ partitions: [0, 1, 2], data: 'state of a graceful stop' }],
} satisfies CommittedState;
