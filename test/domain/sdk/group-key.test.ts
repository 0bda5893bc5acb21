import { compileKey } from '../../../src/domain/sdk/event-functions';

interface Row {
  readonly region: string;
  readonly shopid: number;
  readonly itemid: number;
  readonly big: bigint;
  readonly on: boolean;
}

const row: Row = { region: 'TW', shopid: 123_456, itemid: 654_321, big: 9_007_199_254_740_993n, on: true };

describe('compileKey group key', () => {
  it('joins the key fields’ values by "|", in the key’s order, for any number of fields', () => {
    expect(compileKey<Row, never>([]).groupKey(row)).toBe('');
    expect(compileKey<Row, 'shopid'>(['shopid']).groupKey(row)).toBe('123456');
    expect(compileKey<Row, 'itemid' | 'region'>(['itemid', 'region']).groupKey(row)).toBe('654321|TW');
    expect(compileKey<Row, 'region' | 'shopid' | 'itemid'>(['region', 'shopid', 'itemid']).groupKey(row)).toBe(
      'TW|123456|654321',
    );
    expect(
      compileKey<Row, 'region' | 'shopid' | 'itemid' | 'big' | 'on'>([
        'on',
        'region',
        'shopid',
        'itemid',
        'big',
      ]).groupKey(row),
    ).toBe('true|TW|123456|654321|9007199254740993');
  });

  it('keeps fields apart that one concatenation would run together', () => {
    const key = compileKey<Row, 'region' | 'shopid'>(['region', 'shopid']).groupKey;
    expect(key({ ...row, region: 'A1', shopid: 23 })).toBe('A1|23');
    expect(key({ ...row, region: 'A', shopid: 123 })).toBe('A|123');
  });
});
