import fc from 'fast-check';
import { decodeState, encodeState, type JsonValue } from '../../../src/domain/engine/state-codec';
import { propertyRuns } from '../../support/property-runs';

const roundTrip = (v: unknown): unknown => decodeState(JSON.parse(JSON.stringify(encodeState(v))) as JsonValue);

/** What an engine holds: JSON plus what JSON loses (non-finite numbers, -0, bigint, undefined, Set, Map). */
const stateValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.double(),
    fc.integer(),
    fc.bigInt(),
    fc.string(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('$n', '$set', '$o', '__proto__')), tie('value'), {
      maxKeys: 3,
    }),
    fc.uniqueArray(fc.oneof(fc.integer(), fc.string()), { maxLength: 4 }).map((xs) => new Set(xs)),
    fc.array(fc.tuple(fc.oneof(fc.integer(), fc.string()), tie('value')), { maxLength: 3 }).map((kv) => new Map(kv)),
  ),
})).value;

describe('state codec', () => {
  it('round-trips non-finite numbers, -0, bigint and undefined exactly', () => {
    expect(roundTrip([Infinity, -Infinity, -0, 0, 12n, -(2n ** 70n), undefined, null])).toEqual([
      Infinity,
      -Infinity,
      -0,
      0,
      12n,
      -(2n ** 70n),
      undefined,
      null,
    ]);
    expect(Number.isNaN(roundTrip(NaN))).toBe(true);
    expect(Object.is(roundTrip(-0), -0)).toBe(true);
  });

  it('round-trips Set and Map, and plain objects whose only key looks like a tag', () => {
    expect(roundTrip(new Set([1, 'a']))).toEqual(new Set([1, 'a']));
    expect(
      roundTrip(
        new Map<unknown, unknown>([
          ['k', new Set([2])],
          [3, { $set: 1 }],
        ]),
      ),
    ).toEqual(
      new Map<unknown, unknown>([
        ['k', new Set([2])],
        [3, { $set: 1 }],
      ]),
    );
    expect(encodeState({ $n: 'Infinity' })).toEqual({ $o: { $n: 'Infinity' } });
    expect(roundTrip({ $n: 'Infinity' })).toEqual({ $n: 'Infinity' });
  });

  it('keeps a key named __proto__ as a key', () => {
    const o = JSON.parse('{"__proto__": 5, "a": 1}') as object;
    const back = roundTrip(o) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back)).toEqual(['__proto__', 'a']);
  });

  it('refuses what it cannot restore (class instances, functions)', () => {
    expect(() => encodeState(new Date(0))).toThrow('cannot snapshot a Date');
    expect(() => encodeState(() => 1)).toThrow('cannot snapshot a function');
  });

  it('decodes what it encoded, for any engine value (property)', () => {
    fc.assert(
      fc.property(stateValue, (v) => {
        expect(roundTrip(v)).toEqual(v);
      }),
      { numRuns: propertyRuns(500) },
    );
  });
});
