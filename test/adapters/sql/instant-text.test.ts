import { datetimeFormatter, datetimeText } from '../../../src/adapters/sql/instant-text';

describe('datetimeText', () => {
  it('renders epoch milliseconds as a UTC DATETIME(3) literal', () => {
    expect(datetimeText(Date.UTC(2026, 0, 2, 3, 4, 5, 6))).toBe('2026-01-02 03:04:05.006');
    expect(datetimeText(0)).toBe('1970-01-01 00:00:00.000');
  });

  it.each([[1.5], [Infinity], [NaN], [Date.UTC(10_000, 0, 1)], ['2026-01-02']])('refuses %p', (v) => {
    expect(datetimeText(v)).toBeUndefined();
  });
});

describe('datetimeFormatter', () => {
  it('gives the text of datetimeText for any sequence of instants, across minute, day and year boundaries', () => {
    const first = Date.parse('0000-01-01T00:00:00.000Z');
    const end = Date.parse('9999-12-31T23:59:59.999Z') + 1;
    const edges = [
      first,
      first - 1,
      end,
      end - 1,
      0,
      -1,
      1,
      Date.UTC(2026, 0, 1) - 1,
      Date.UTC(2026, 0, 1),
      Date.UTC(2024, 1, 29, 23, 59, 59, 999),
      -86_400_000,
      -86_400_001,
      8.7e15,
      -8.7e15,
    ];
    let seed = 42;
    const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const instants: number[] = [...edges];
    let t = Date.UTC(1999, 11, 31, 23, 59);
    for (let i = 0; i < 20_000; i++) {
      const r = random();
      // Mostly small steps (same minute or day, both ways, repeats), sometimes a jump anywhere.
      t =
        r < 0.1
          ? t
          : r < 0.8
            ? t + Math.floor((random() - 0.3) * 200_000)
            : r < 0.95
              ? t + Math.floor((random() - 0.5) * 4 * 86_400_000)
              : Math.floor(first + random() * (end - first) * 1.1);
      instants.push(t);
    }
    const format = datetimeFormatter();
    for (const v of instants) expect([v, format(v)]).toEqual([v, datetimeText(v)]);
    expect(format(first)).toBe('0000-01-01 00:00:00.000');
    expect(format(end - 1)).toBe('9999-12-31 23:59:59.999');
    expect(format(-1)).toBe('1969-12-31 23:59:59.999');
  });

  it.each([
    [1.5],
    [Infinity],
    [NaN],
    [Date.UTC(10_000, 0, 1)],
    [Date.parse('0000-01-01T00:00:00.000Z') - 1],
    [8.7e15],
    ['2026-01-02'],
  ])('refuses %p', (v) => {
    const format = datetimeFormatter();
    format(0);
    expect(format(v)).toBeUndefined();
  });
});
