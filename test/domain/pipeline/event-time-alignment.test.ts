import { EventTimeAlignment } from '../../../src/domain/pipeline/event-time-alignment';

const MINUTE = 60_000;

/** Watermarks in minutes, for reading. */
function minutes(entries: ReadonlyArray<readonly [number, number]>): Map<number, number> {
  return new Map(entries.map(([p, m]) => [p, Number.isFinite(m) ? m * MINUTE : m]));
}

describe('EventTimeAlignment', () => {
  it('holds back the partitions more than maxDrift ahead of the slowest one', () => {
    const a = new EventTimeAlignment(MINUTE);

    expect(
      a.holdBack(
        minutes([
          [0, 10],
          [1, 11],
          [2, 11.5],
          [3, 30],
        ]),
      ),
    ).toEqual(new Set([2, 3]));
  });

  it('holds back nothing while every partition is within maxDrift of the slowest', () => {
    const a = new EventTimeAlignment(MINUTE);

    expect(
      a.holdBack(
        minutes([
          [0, 10],
          [1, 11],
          [2, 10.5],
        ]),
      ),
    ).toEqual(new Set());
  });

  it('lets a partition with nothing to read (lag 0) set no pace, and paces it again once records wait', () => {
    const a = new EventTimeAlignment(MINUTE);
    const w = minutes([
      [0, 10],
      [1, 20],
      [2, 30],
    ]);

    a.observe({
      endedPartitions: [],
      lag: new Map([
        [0, 0],
        [1, 500],
        [2, 800],
      ]),
    });
    expect(a.holdBack(w)).toEqual(new Set([2]));

    a.observe({ endedPartitions: [], lag: new Map([[0, 3]]) });
    expect(a.holdBack(w)).toEqual(new Set([1, 2]));
  });

  it('lets a partition read to its end set no pace', () => {
    const a = new EventTimeAlignment(MINUTE);

    a.observe({ endedPartitions: [0], lag: undefined });

    expect(
      a.holdBack(
        minutes([
          [0, 10],
          [1, 20],
          [2, 30],
        ]),
      ),
    ).toEqual(new Set([2]));
  });

  it('neither paces by nor holds back a partition without a watermark, nor one whose watermark ended', () => {
    const a = new EventTimeAlignment(MINUTE);

    expect(
      a.holdBack(
        minutes([
          [0, -Infinity],
          [1, 20],
          [2, 30],
          [3, Infinity],
        ]),
      ),
    ).toEqual(new Set([2]));
  });

  it('holds back nothing when no partition with records waiting has a watermark', () => {
    const a = new EventTimeAlignment(MINUTE);
    a.observe({ endedPartitions: [1], lag: new Map([[0, 0]]) });

    expect(
      a.holdBack(
        minutes([
          [0, 10],
          [1, 50],
          [2, -Infinity],
        ]),
      ),
    ).toEqual(new Set());
  });

  it('forgets what the source said on reset (the partitions changed)', () => {
    const a = new EventTimeAlignment(MINUTE);
    a.observe({ endedPartitions: [0], lag: new Map([[1, 0]]) });

    a.reset();

    expect(
      a.holdBack(
        minutes([
          [0, 10],
          [1, 20],
          [2, 30],
        ]),
      ),
    ).toEqual(new Set([1, 2]));
  });

  it('holds back a partition exactly maxDrift ahead only once it is further', () => {
    const a = new EventTimeAlignment(MINUTE);

    expect(
      a.holdBack(
        new Map([
          [0, 0],
          [1, MINUTE],
        ]),
      ),
    ).toEqual(new Set());
    expect(
      a.holdBack(
        new Map([
          [0, 0],
          [1, MINUTE + 1],
        ]),
      ),
    ).toEqual(new Set([1]));
  });
});
