import { decodeOhlcTrade } from '../../../src/domain/jobs/ohlc.job';
import { decodePriceTick } from '../../../src/domain/jobs/price-stats.job';
import { decodeQuotes } from '../../../src/domain/jobs/quotes';
import { decodeTrade } from '../../../src/domain/jobs/stock-averages.job';

/**
 * Corpus slices for the trade and quote jobs' decoders: each bad record with its exact detail
 * (written from the rules, not from the code). The orders corpus (test/support/hostile-orders.ts)
 * covers the byte-level kinds every job shares: sizes, UTF-8, tombstones, keys.
 */
const SYMBOL_ALLOWED = "allowed: ASCII letters, digits, '.', '-', '_', '/', ':', '^', '='";
const PROTO = '(__proto__, constructor and prototype are refused at any depth)';
const DEEP = `JSON is nested deeper than 16 levels (at $.x${'.a'.repeat(15)})`;
const nest = (levels: number): string => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

const csvTrade = (
  fields: Partial<Record<'symbol' | 'type' | 'price' | 'quantity' | 'millis' | 'readable', string>>,
): string =>
  [
    fields.symbol ?? 'AAPL',
    fields.type ?? 'BUY',
    fields.price ?? '187.25',
    fields.quantity ?? '10',
    fields.millis ?? '1735689600000',
    fields.readable ?? '2025-01-01 00:00:00.000',
  ].join(',');
const jsonTrade = (extra = '', replace: Record<string, string> = {}): string =>
  `{"stockName":${replace['stockName'] ?? '"AAPL"'},"tradeType":"SELL","price":${replace['price'] ?? '187.25'},"quantity":10,"eventTimeMillis":${replace['eventTimeMillis'] ?? '1735689600000'}${extra}}`;

describe('stock-averages refuses hostile trades with a specific detail', () => {
  it.each([
    [
      'SQL in the symbol (CSV)',
      csvTrade({ symbol: "AAPL';--" }),
      `stockName contains ''' (U+0027) at character 5; ${SYMBOL_ALLOWED}`,
    ],
    [
      'a quoted CSV field',
      csvTrade({ symbol: '"AAPL"' }),
      `stockName contains '"' (U+0022) at character 1; ${SYMBOL_ALLOWED}`,
    ],
    [
      'a space inside the symbol',
      csvTrade({ symbol: 'AA PL' }),
      `stockName contains ' ' (U+0020) at character 3; ${SYMBOL_ALLOWED}`,
    ],
    [
      'a NUL in the symbol',
      csvTrade({ symbol: 'AAPL\u0000' }),
      `stockName contains U+0000 at character 5; ${SYMBOL_ALLOWED}`,
    ],
    [
      'a symbol of 17 characters',
      csvTrade({ symbol: 'ABCDEFGHIJKLMNOPQ' }),
      'stockName has 17 characters, at most 16 allowed',
    ],
    [
      'SQL in the trade type',
      csvTrade({ type: "BUY' OR 1=1" }),
      'field "tradeType" must be BUY or SELL, got string "BUY\' OR 1=1"',
    ],
    [
      'SQL in the readable time',
      csvTrade({ readable: "2025-01-01'; DROP TABLE x" }),
      'field "eventTimeReadable" must be a time YYYY-MM-DD hh:mm:ss[.fff], got string "2025-01-01\'; DROP TABLE x"',
    ],
    ['price 1e400', csvTrade({ price: '1e400' }), 'price must be a finite number ≥ 0, got Infinity'],
    [
      'a price with 7 decimals',
      csvTrade({ price: '1.0000001' }),
      'price has more than 6 decimals or is too large to sum exactly: 1.0000001',
    ],
    ['a fractional quantity', csvTrade({ quantity: '2.5' }), 'field "quantity" must be a positive integer, got 2.5'],
    ['a negative quantity', csvTrade({ quantity: '-2' }), 'field "quantity" must be a positive integer, got -2'],
    [
      'seconds where milliseconds are expected',
      csvTrade({ millis: '1735689600' }),
      'eventTimeMillis 1735689600 is outside 2000-01-01..2100-01-01 (looks like epoch seconds; epoch milliseconds are expected)',
    ],
    [
      'a time before 2000',
      csvTrade({ millis: '946684799999' }),
      'eventTimeMillis 946684799999 is outside 2000-01-01..2100-01-01',
    ],
    [
      'a time in 2100',
      csvTrade({ millis: '4102444800000' }),
      'eventTimeMillis 4102444800000 is outside 2000-01-01..2100-01-01',
    ],
    [
      'a price as a JSON string',
      jsonTrade('', { price: '"187.25"' }),
      'field "price" must be a number, got string "187.25"',
    ],
    [
      'SQL in the symbol (JSON)',
      jsonTrade('', { stockName: '"AAPL\\"; DROP TABLE stocks_averages; --"' }),
      'stockName has 37 characters, at most 16 allowed',
    ],
    ['a __proto__ key', jsonTrade(',"__proto__":{"polluted":true}'), `forbidden key "__proto__" at $ ${PROTO}`],
    ['a member nested 17 deep', jsonTrade(`,"x":${nest(16)}`), DEEP],
  ])('%s', (_kind, line, detail) => {
    expect(decodeTrade(line)).toEqual({ ok: false, detail });
  });

  it('still reads the original data and symbols with . - _ / : ^ =', () => {
    for (const symbol of ['BRK.B', 'BF-B', 'RDS_A', 'BTC/USD', 'NASDAQ:AAPL', '^GSPC', 'EURUSD=X']) {
      expect(decodeTrade(csvTrade({ symbol }))).toMatchObject({ ok: true, event: { symbol } });
    }
    expect(decodeTrade('AGL,SELL,26.57,181,1534849273070,2018-08-21 21:01:13.07')).toMatchObject({ ok: true });
  });
});

describe('ohlc refuses hostile trades with a specific detail', () => {
  const trade = (replace: Record<string, string> = {}, extra = ''): string =>
    `{"symbol":${replace['symbol'] ?? '"MSFT"'},"price":${replace['price'] ?? '540.74'},"volume":${replace['volume'] ?? '213'},"ts":${replace['ts'] ?? '1735689600000'}${extra}}`;
  it.each([
    [
      'SQL in the symbol',
      trade({ symbol: '"MSFT\' --"' }),
      `symbol contains ''' (U+0027) at character 5; ${SYMBOL_ALLOWED}`,
    ],
    [
      'SQL in the symbol (CSV)',
      'MSFT;DROP,540.74,213,1735689600000',
      `symbol contains ';' (U+003B) at character 5; ${SYMBOL_ALLOWED}`,
    ],
    [
      'SQL in the time',
      trade({ ts: '"2025-01-01\'; --"' }),
      'field "ts" must be epoch milliseconds or an ISO-8601 time, got "2025-01-01\'; --"',
    ],
    [
      'seconds where milliseconds are expected',
      trade({ ts: '1735689600' }),
      'ts 1735689600 is outside 2000-01-01..2100-01-01 (looks like epoch seconds; epoch milliseconds are expected)',
    ],
    ['ts 1e400', trade({ ts: '1e400' }), 'field "ts" must be whole epoch milliseconds, got Infinity'],
    ['price 1e400', trade({ price: '1e400' }), 'price must be a finite number ≥ 0, got Infinity'],
    [
      'a volume as a string',
      trade({ volume: '"213"' }),
      'field "volume" must be a non-negative integer, got string "213"',
    ],
    ['a fractional volume', trade({ volume: '2.5' }), 'field "volume" must be a non-negative integer, got 2.5'],
    ['a constructor key', trade({}, ',"constructor":{"prototype":{}}'), `forbidden key "constructor" at $ ${PROTO}`],
    ['a member nested 17 deep', trade({}, `,"x":${nest(16)}`), DEEP],
  ])('%s', (_kind, line, detail) => {
    expect(decodeOhlcTrade(line)).toEqual({ ok: false, detail });
  });
});

describe('quotes (top-averages, top-price) refuse hostile records with a specific detail', () => {
  const iex = (key: string, quote: string): string => `{${JSON.stringify(key)}:{"quote":${quote}}}`;
  it.each([
    [
      'SQL in the symbol',
      '{"symbol":"IBM\'--","price":58,"ts":1735689600000}',
      `symbol contains ''' (U+0027) at character 4; ${SYMBOL_ALLOWED}`,
    ],
    [
      'SQL in an IEX entry name',
      iex('IBM;', '{"latestPrice":58,"latestUpdate":1735689600000}'),
      `symbol contains ';' (U+003B) at character 4; ${SYMBOL_ALLOWED}`,
    ],
    [
      'SQL in latestPrice',
      iex('IBM', '{"symbol":"IBM","latestPrice":"58\'; DROP","latestUpdate":1735689600000}'),
      'field "latestPrice" must be a number or a numeric string, got string "58\'; DROP"',
    ],
    [
      'an IEX entry named __proto__',
      iex('__proto__', '{"latestPrice":58,"latestUpdate":1735689600000}'),
      `forbidden key "__proto__" at $ ${PROTO}`,
    ],
    [
      'an IEX entry named constructor',
      iex('constructor', '{"latestPrice":58,"latestUpdate":1735689600000}'),
      `forbidden key "constructor" at $ ${PROTO}`,
    ],
    [
      'a prototype key inside a quote',
      iex('IBM', '{"symbol":"IBM","latestPrice":58,"latestUpdate":1735689600000,"prototype":{}}'),
      `forbidden key "prototype" at $.IBM.quote ${PROTO}`,
    ],
    [
      'a price as a string',
      '{"symbol":"IBM","price":"58","ts":1735689600000}',
      'field "price" must be a number, got string "58"',
    ],
    [
      'price 1e400',
      '{"symbol":"IBM","price":1e400,"ts":1735689600000}',
      'price must be a number from 0 to 1000000000, got Infinity',
    ],
    [
      'ts 0',
      '{"symbol":"IBM","price":58,"ts":0}',
      'ts 0 is outside 2000-01-01..2100-01-01 as epoch seconds and as epoch milliseconds',
    ],
    [
      'SQL in the time',
      '{"symbol":"IBM","price":58,"ts":"2025-01-01 00:00:00\'; --"}',
      'field "ts" must be epoch seconds, epoch milliseconds or an ISO-8601 time, got "2025-01-01 00:00:00\'; --"',
    ],
    ['a member nested 17 deep', `{"symbol":"IBM","price":58,"ts":1735689600000,"x":${nest(16)}}`, DEEP],
  ])('%s', (_kind, line, detail) => {
    expect(decodeQuotes(line)).toEqual({ ok: false, detail });
  });
});

describe('price-stats refuses hostile ticks with a specific detail', () => {
  it.each([
    [
      'SQL in the symbol',
      '{"ts":"2025-01-01 00:00:00.000","symbol":"GOOG\' OR \'1\'=\'1","price":141.13}',
      `symbol contains ''' (U+0027) at character 5; ${SYMBOL_ALLOWED}`,
    ],
    [
      'a long SQL symbol',
      '{"ts":"2025-01-01 00:00:00.000","symbol":"GOOG\'; DROP TABLE price_stats","price":141.13}',
      'symbol has 29 characters, at most 16 allowed',
    ],
    [
      'a short SQL symbol',
      '{"ts":"2025-01-01 00:00:00.000","symbol":"G\';--","price":141.13}',
      `symbol contains ''' (U+0027) at character 2; ${SYMBOL_ALLOWED}`,
    ],
    [
      'SQL in the time',
      '{"ts":"2025-01-01\'; DROP TABLE x","symbol":"GOOG","price":141.13}',
      'field "ts" must be epoch seconds, epoch milliseconds or an ISO-8601 time, got "2025-01-01\'; DROP TABLE x"',
    ],
    [
      'a time in 1999',
      '{"ts":"1999-12-31 23:59:59.999","symbol":"GOOG","price":141.13}',
      'ts "1999-12-31 23:59:59.999" is outside 2000-01-01..2100-01-01',
    ],
    [
      'a price as a string',
      '{"ts":"2025-01-01 00:00:00.000","symbol":"GOOG","price":"141.13"}',
      'field "price" must be a number, got string "141.13"',
    ],
    [
      'price -1e400',
      '{"ts":"2025-01-01 00:00:00.000","symbol":"GOOG","price":-1e400}',
      'price must be a finite number ≥ 0, got -Infinity',
    ],
    [
      'a __proto__ key',
      '{"__proto__":{"polluted":true},"ts":"2025-01-01 00:00:00.000","symbol":"GOOG","price":141.13}',
      `forbidden key "__proto__" at $ ${PROTO}`,
    ],
    [
      'a zero-width joiner in the symbol',
      '{"ts":"2025-01-01 00:00:00.000","symbol":"GO\u200DOG","price":141.13}',
      `symbol contains U+200D at character 3; ${SYMBOL_ALLOWED}`,
    ],
  ])('%s', (_kind, line, detail) => {
    expect(decodePriceTick(line)).toEqual({ ok: false, detail });
  });

  it('leaves Object.prototype untouched', () => {
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});
