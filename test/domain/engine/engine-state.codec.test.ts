import {
  decodeCommitted,
  decodePartitionState,
  encodeEngineState,
  encodePartitionState,
} from '../../../src/domain/engine/engine-state.codec';
import { errorWith } from '../../support/matchers';

const W0 = Date.UTC(2026, 0, 2, 3, 4, 0, 0);

describe('engine state codec', () => {
  it('round-trips every instant, the infinities included, and a partition without a replay point', () => {
    const states = [
      { watermarkMs: W0, replay: { replayFrom: 500, replayMaxEventMs: W0 - 1_500, closedUpToMs: W0 - 60_000 } },
      { watermarkMs: Infinity, replay: { replayFrom: 0, replayMaxEventMs: -Infinity, closedUpToMs: Infinity } },
      { watermarkMs: -Infinity },
    ];
    for (const state of states) expect(decodePartitionState(encodePartitionState(state))).toEqual(state);
  });

  it('writes version 1 as documented', () => {
    expect(
      encodePartitionState({
        watermarkMs: 12,
        replay: { replayFrom: 3, replayMaxEventMs: -Infinity, closedUpToMs: Infinity },
      }),
    ).toBe('{"v":1,"watermark_ms":12,"replay":{"from":3,"max_event_ms":"-inf","closed_up_to_ms":"+inf"}}');
    expect(encodePartitionState({ watermarkMs: -Infinity })).toBe('{"v":1,"watermark_ms":"-inf"}');
  });

  it('reads version 0, the old checkpoint columns as stored: NULL for −∞, the largest BIGINT for +∞', () => {
    expect(
      decodePartitionState(
        '{"v":0,"watermark_ms":9223372036854775807,"replay_from":40,"replay_max_event_ms":null,"closed_up_to_ms":"9223372036854775807"}',
      ),
    ).toEqual({
      watermarkMs: Infinity,
      replay: { replayFrom: 40, replayMaxEventMs: -Infinity, closedUpToMs: Infinity },
    });
    expect(
      decodePartitionState(
        '{"v":0,"watermark_ms":"1000","replay_from":null,"replay_max_event_ms":null,"closed_up_to_ms":null}',
      ),
    ).toEqual({ watermarkMs: 1000 });
  });

  it('refuses a version it does not know, with a clear error', () => {
    expect(() => decodePartitionState('{"v":2,"whatever":1}')).toThrow(
      errorWith({
        code: 'CONFIG_INVALID',
        message:
          'stored engine state is unreadable: version 2 is unknown to this build (it reads 0 to 1): upgrade hexstream',
      }),
    );
    expect(() => decodePartitionState('{"watermark_ms":1}')).toThrow('version undefined is unknown');
    expect(() => decodePartitionState('not json')).toThrow('stored engine state is unreadable: not JSON: not json');
  });

  it('encodes a trigger per partition and decodes the store’s answer back to its checkpoint', () => {
    const positions = new Map([
      [0, 812],
      [3, 7],
    ]);
    const watermarks = new Map([
      [0, W0],
      [3, -Infinity],
    ]);
    const engine = {
      partitions: new Map([
        [
          0,
          { nextPosition: 812, watermarkMs: W0, replayFrom: 500, replayMaxEventMs: W0 - 9, closedUpToMs: W0 - 60_000 },
        ],
        [
          3,
          {
            nextPosition: 7,
            watermarkMs: -Infinity,
            replayFrom: 7,
            replayMaxEventMs: -Infinity,
            closedUpToMs: -Infinity,
          },
        ],
      ]),
    };
    const engineState = encodeEngineState(4, positions, watermarks, engine);
    expect([...engineState.keys()]).toEqual([0, 3]);
    const snapshots = [{ partitions: [0, 3], data: 'opaque' }];
    expect(decodeCommitted({ positions, engineState, snapshots })).toEqual({
      positions,
      watermarks,
      engine,
      snapshots,
    });
    expect(decodeCommitted(undefined)).toBeUndefined();
  });

  it('gives positions and watermarks only when a partition has no replay point', () => {
    const positions = new Map([
      [0, 5],
      [1, 6],
    ]);
    const engineState = new Map([
      [0, encodePartitionState({ watermarkMs: 10, replay: { replayFrom: 1, replayMaxEventMs: 2, closedUpToMs: 3 } })],
      [1, encodePartitionState({ watermarkMs: 20 })],
    ]);
    expect(decodeCommitted({ positions, engineState })).toEqual({
      positions,
      watermarks: new Map([
        [0, 10],
        [1, 20],
      ]),
    });
  });

  it('refuses a trigger whose engine checkpoint disagrees with its positions', () => {
    const engine = {
      partitions: new Map([
        [0, { nextPosition: 4, watermarkMs: 1, replayFrom: 0, replayMaxEventMs: 0, closedUpToMs: 0 }],
      ]),
    };
    expect(() => encodeEngineState(9, new Map([[0, 5]]), new Map([[0, 1]]), engine)).toThrow(
      'trigger 9: engine checkpoint of partition 0 (position 4, watermark 1) disagrees with the trigger (5, 1)',
    );
    expect(() => encodeEngineState(9, new Map(), new Map([[2, 1]]), { partitions: new Map() })).toThrow(
      'trigger 9: watermark for partition 2 without a position',
    );
  });
});
