import { field } from '../../../src/domain/sdk';

const T0 = 1_735_689_600_000; // 2025-01-01T00:00:00Z

describe('field rules', () => {
  it('strings: length in characters, pattern, oneOf', () => {
    const s = field.string({ maxLength: 3, pattern: /^[a-zé]+$/, oneOf: ['ab', 'éé', 'abcd'] });
    expect(s.read('f', 'éé', false)).toBe('éé');
    expect(s.read('f', 'abcd', false)).toEqual({ ok: false, detail: 'f has 4 characters, at most 3 allowed' });
    expect(s.read('f', 'AB', false)).toEqual({
      ok: false,
      detail: 'field "f" must be a string matching /^[a-zé]+$/, got string "AB"',
    });
    expect(s.read('f', 'abc', false)).toEqual({
      ok: false,
      detail: 'field "f" must be one of "ab", "éé", "abcd", got string "abc"',
    });
    expect(s.read('f', 7, false)).toEqual({ ok: false, detail: 'field "f" must be a string, got 7' });
    expect(field.string({ minLength: 1 }).read('f', '', false)).toEqual({
      ok: false,
      detail: 'field "f" must be at least 1 characters long, got string ""',
    });
  });

  it('required and optional fields', () => {
    expect(field.string().read('f', undefined, false)).toEqual({ ok: false, detail: 'missing field "f"' });
    expect(field.number().read('f', null, false)).toEqual({ ok: false, detail: 'field "f" must be set, got null' });
    expect(field.number().read('f', '', true)).toEqual({ ok: false, detail: 'field "f" is empty' });
    expect(field.number({ optional: true }).read('f', null, false)).toBeUndefined();
    expect(field.string({ optional: true }).read('f', '', true)).toBeUndefined();
    expect(field.string({ optional: true }).read('f', '', false)).toBe('');
  });

  it('numbers: finite, min, max, integer, decimals; CSV text converted', () => {
    const n = field.number({ min: 0, max: 100, decimals: 2 });
    expect(n.read('p', 12.34, false)).toBe(12.34);
    expect(n.read('p', '12.34', true)).toBe(12.34);
    expect(n.read('p', '12.34', false)).toEqual({
      ok: false,
      detail: 'field "p" must be a finite number, got string "12.34"',
    });
    expect(n.read('p', -1, false)).toEqual({ ok: false, detail: 'field "p" must be ≥ 0, got -1' });
    expect(n.read('p', 101, false)).toEqual({ ok: false, detail: 'field "p" must be ≤ 100, got 101' });
    expect(n.read('p', 1.005, false)).toEqual({
      ok: false,
      detail: 'field "p" must be a number with at most 2 decimals, got 1.005',
    });
    expect(field.number({ integer: true }).read('q', 1.5, false)).toEqual({
      ok: false,
      detail: 'field "q" must be a whole number, got 1.5',
    });
    expect(field.number().read('q', 'x', true)).toEqual({
      ok: false,
      detail: 'field "q" must be a finite number, got string "x"',
    });
  });

  it('decimals become exact integer units of their scale', () => {
    const d = field.decimal({ scale: 2, min: 0 });
    expect(d.read('price', 12.34, false)).toBe(1234);
    expect(d.read('price', '0.1', true)).toBe(10);
    expect(d.read('price', '19.99', false)).toBe(1999);
    expect(d.read('price', 0.125, false)).toEqual({
      ok: false,
      detail: 'field "price" must be a number with at most 2 decimals, got 0.125',
    });
    expect(d.read('price', '-1', false)).toEqual({ ok: false, detail: 'field "price" must be ≥ 0, got string "-1"' });
    expect(d.read('price', '1e3', false)).toEqual({
      ok: false,
      detail: 'field "price" must be a decimal number, got string "1e3"',
    });
    expect(() => field.decimal({ scale: 16 })).toThrow('decimal scale must be a whole number in 0..15, got 16');
  });

  it('times: epoch-ms, epoch-s and ISO, within 2000..2100', () => {
    expect(field.time('epoch-ms').read('ts', T0, false)).toBe(T0);
    expect(field.time('epoch-ms').read('ts', String(T0), true)).toBe(T0);
    expect(field.time('epoch-s').read('ts', T0 / 1000 + 0.5, false)).toBe(T0 + 500);
    expect(field.time('iso').read('ts', '2025-01-01 00:00:01.5', false)).toBe(T0 + 1500);
    expect(field.time('iso').read('ts', '2025-01-01T01:00:00+01:00', false)).toBe(T0);
    expect(field.time('epoch-ms').read('ts', T0 / 1000, false)).toEqual({
      ok: false,
      detail:
        'ts 1735689600 is outside 2000-01-01..2100-01-01 (looks like epoch seconds; epoch milliseconds are expected)',
    });
    expect(field.time('epoch-s').read('ts', T0, false)).toEqual({
      ok: false,
      detail:
        'ts 1735689600000 is outside 2000-01-01..2100-01-01 (looks like epoch milliseconds; epoch seconds are expected)',
    });
    expect(field.time('iso').read('ts', '2025-02-30 00:00:00', false)).toEqual({
      ok: false,
      detail: 'field "ts" is not a valid time: "2025-02-30 00:00:00"',
    });
    expect(field.time('iso').read('ts', T0, false)).toEqual({
      ok: false,
      detail: `field "ts" must be an ISO-8601 time, got ${T0}`,
    });
  });

  it('booleans', () => {
    expect(field.boolean().read('b', true, false)).toBe(true);
    expect(field.boolean().read('b', 'false', true)).toBe(false);
    expect(field.boolean().read('b', 'yes', true)).toEqual({
      ok: false,
      detail: 'field "b" must be true or false, got string "yes"',
    });
  });
});
