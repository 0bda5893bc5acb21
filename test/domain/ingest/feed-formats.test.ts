import type { FeedPayload } from '../../../src/ports/feed-source.port';
import { splitPayload, type SplitPayload } from '../../../src/domain/ingest/feed-formats';
import type { FeedFormat } from '../../../src/domain/ingest/ingest-settings';

const AT = 1_700_000_000_000;
const T1 = 1_533_571_200_000;
const T2 = 1_533_571_210_000;
const payload = (text: string): FeedPayload => ({ text, receivedAtMs: AT });
const split = (format: FeedFormat, text: string): SplitPayload => splitPayload(format, payload(text));
const quote = (symbol: string, price: number, ts: number): object => ({
  kind: 'quote',
  key: symbol,
  value: `{"symbol":"${symbol}","price":${price},"ts":${ts}}`,
  timestampMs: ts,
});
const trade = (symbol: string, price: number, volume: number, ts: number): object => ({
  kind: 'trade',
  key: symbol,
  value: `{"symbol":"${symbol}","price":${price},"volume":${volume},"ts":${ts}}`,
  timestampMs: ts,
});
const dead = (detail: string, raw: string): object => ({ reason: 'invalid', detail, raw, receivedAtMs: AT });

describe('iex-batch', () => {
  it('makes one quote per symbol from number and numeric-string prices, ignoring the rest of an entry', () => {
    const text = JSON.stringify({
      XOM: { quote: { symbol: 'XOM', latestPrice: 57.12, latestUpdate: T1, companyName: 'Exxon' }, news: [{ a: 1 }] },
      IBM: { quote: { symbol: 'IBM', latestPrice: '82.47', latestUpdate: T2 } },
    });
    expect(split('iex-batch', text)).toEqual({
      messages: [quote('XOM', 57.12, T1), quote('IBM', 82.47, T2)],
      deadLetters: [],
    });
  });

  it('times a quote without latestUpdate by the payload arrival, as the quote jobs do', () => {
    const text = '{"AAPL":{"quote":{"latestPrice":190,"latestUpdate":null}}}';
    expect(split('iex-batch', text)).toEqual({ messages: [quote('AAPL', 190, AT)], deadLetters: [] });
  });

  it('turns a quote without a price, nested junk and a wrong symbol into one dead letter each, keeping the good ones', () => {
    const text =
      '{"A":{"quote":{"latestUpdate":1533571200000}},"B":{"quote":{"latestPrice":{"x":[1]},"latestUpdate":1533571200000}},' +
      '"C":[1,2],"D":{"quote":{"symbol":"E","latestPrice":1,"latestUpdate":1533571200000}},' +
      '"F":{"quote":{"latestPrice":"1.5x","latestUpdate":1533571200000}},"G":{"quote":{"latestPrice":2,"latestUpdate":1533571200000}}}';
    expect(split('iex-batch', text)).toEqual({
      messages: [quote('G', 2, T1)],
      deadLetters: [
        dead('IEX entry "A": missing field "latestPrice"', '{"A":{"quote":{"latestUpdate":1533571200000}}}'),
        dead(
          'IEX entry "B": field "latestPrice" must be a number or a numeric string, got an object',
          '{"B":{"quote":{"latestPrice":{"x":[1]},"latestUpdate":1533571200000}}}',
        ),
        dead('IEX entry "C" has no "quote" object', '{"C":[1,2]}'),
        dead(
          'IEX entry "D" holds a quote for "E"',
          '{"D":{"quote":{"symbol":"E","latestPrice":1,"latestUpdate":1533571200000}}}',
        ),
        dead(
          'IEX entry "F": field "latestPrice" must be a number or a numeric string, got string "1.5x"',
          '{"F":{"quote":{"latestPrice":"1.5x","latestUpdate":1533571200000}}}',
        ),
      ],
    });
  });

  it('refuses a quote the jobs would refuse: too many decimals, a symbol too long, a time in seconds is kept as ms', () => {
    const text =
      '{"A":{"quote":{"latestPrice":1.1234567,"latestUpdate":1533571200000}},' +
      '"ABCDEFGHIJKLMNOPQ":{"quote":{"latestPrice":1,"latestUpdate":1533571200000}},' +
      '"S":{"quote":{"latestPrice":3,"latestUpdate":1533571200}}}';
    expect(split('iex-batch', text)).toEqual({
      messages: [quote('S', 3, T1)],
      deadLetters: [
        dead(
          'IEX entry "A": latestPrice has more than 6 decimals: 1.1234567',
          '{"A":{"quote":{"latestPrice":1.1234567,"latestUpdate":1533571200000}}}',
        ),
        dead(
          'IEX entry "ABCDEFGHIJKLMNOPQ": symbol has 17 characters, at most 16 allowed',
          '{"ABCDEFGHIJKLMNOPQ":{"quote":{"latestPrice":1,"latestUpdate":1533571200000}}}',
        ),
      ],
    });
  });

  it('makes one dead letter of a payload that is not JSON, not an object, or holds no symbol', () => {
    expect(split('iex-batch', '<html>')).toEqual({
      messages: [],
      deadLetters: [dead(expect.stringMatching(/^not valid JSON: /) as unknown as string, '<html>')],
    });
    const expected = 'expected {"SYM": {"quote": {"latestPrice", "latestUpdate", …}}}';
    expect(split('iex-batch', '[1]').deadLetters).toEqual([dead(`IEX batch is not a JSON object: ${expected}`, '[1]')]);
    expect(split('iex-batch', '{}').deadLetters).toEqual([dead(`IEX batch holds no symbol: ${expected}`, '{}')]);
  });

  it('keeps only the first 4096 bytes of a large payload in the dead letter and says so', () => {
    const text = `[${'1,'.repeat(5000)}1]`;
    const [letter] = split('iex-batch', text).deadLetters;
    expect(letter?.raw).toBe(text.slice(0, 4096));
    expect(letter?.detail).toBe(
      'IEX batch is not a JSON object: expected {"SYM": {"quote": {"latestPrice", "latestUpdate", …}}}; raw holds its first 4096 of 10003 bytes',
    );
  });
});

describe('finnhub-trades', () => {
  it('makes one trade per element of data, keeping fractional volumes as given', () => {
    const text =
      '{"type":"trade","data":[{"s":"BINANCE:BTCUSDT","p":7296.89,"t":1575526691134,"v":0.011467,"c":null},' +
      '{"s":"AAPL","p":190.5,"t":1575526691135,"v":100},{"s":"BINANCE:BTCUSDT","p":7297,"t":1575526691134,"v":2}]}';
    expect(split('finnhub-trades', text)).toEqual({
      messages: [
        trade('BINANCE:BTCUSDT', 7296.89, 0.011467, 1575526691134),
        trade('AAPL', 190.5, 100, 1575526691135),
        trade('BINANCE:BTCUSDT', 7297, 2, 1575526691134),
      ],
      deadLetters: [],
    });
  });

  it('holds nothing for a ping', () => {
    expect(split('finnhub-trades', '{"type":"ping"}')).toEqual({ messages: [], deadLetters: [] });
  });

  it('turns each bad trade into a dead letter naming the field, keeping the good ones', () => {
    const text =
      '{"type":"trade","data":[{"s":"A","p":"1","t":1575526691134,"v":1},{"s":"A","p":1,"t":1575526691134},' +
      '{"s":"A;B","p":1,"t":1575526691134,"v":1},{"s":"A","p":1,"t":5,"v":1},7,{"s":"A","p":-1,"t":1575526691134,"v":1},' +
      '{"s":"OK","p":1,"t":1575526691134,"v":-0.5},{"s":"OK","p":1.25,"t":1575526691.5,"v":3}]}';
    expect(split('finnhub-trades', text)).toEqual({
      messages: [trade('OK', 1.25, 3, 1575526691500)],
      deadLetters: [
        dead('trade 1 of 8: field "p" must be a number, got string "1"', '{"s":"A","p":"1","t":1575526691134,"v":1}'),
        dead('trade 2 of 8: missing field "v"', '{"s":"A","p":1,"t":1575526691134}'),
        dead(
          "trade 3 of 8: s contains ';' (U+003B) at character 2; allowed: ASCII letters, digits, '.', '-', '_', '/', ':', '^', '='",
          '{"s":"A;B","p":1,"t":1575526691134,"v":1}',
        ),
        dead(
          'trade 4 of 8: t 5 is outside 2000-01-01..2100-01-01 as epoch seconds and as epoch milliseconds',
          '{"s":"A","p":1,"t":5,"v":1}',
        ),
        dead('trade 5 of 8: not a JSON object', '7'),
        dead('trade 6 of 8: p must be a finite number ≥ 0, got -1', '{"s":"A","p":-1,"t":1575526691134,"v":1}'),
        dead('trade 7 of 8: v must be a finite number ≥ 0, got -0.5', '{"s":"OK","p":1,"t":1575526691134,"v":-0.5}'),
      ],
    });
  });

  it('makes a dead letter of an unknown type, a missing type, a bad data and an empty data', () => {
    const one = (text: string): unknown => split('finnhub-trades', text).deadLetters;
    expect(one('{"type":"error","msg":"Invalid token"}')).toEqual([
      dead('Finnhub message of type "error", expected "trade" or "ping"', '{"type":"error","msg":"Invalid token"}'),
    ]);
    expect(one('{"data":[]}')).toEqual([dead('missing field "type"', '{"data":[]}')]);
    expect(one('{"type":"trade","data":{}}')).toEqual([
      dead('field "data" must be an array of trades, got an object', '{"type":"trade","data":{}}'),
    ]);
    expect(one('{"type":"trade","data":[]}')).toEqual([
      dead('Finnhub trade message holds no trade: "data" is empty', '{"type":"trade","data":[]}'),
    ]);
    expect(one('"trade"')).toEqual([dead('Finnhub message is not a JSON object', '"trade"')]);
  });
});

describe('json', () => {
  it('makes a quote of an object without volume and a trade of one with it, times in ms, seconds or ISO', () => {
    expect(split('json', '{"symbol":"A","price":1.5,"ts":1533571200000,"extra":true}')).toEqual({
      messages: [quote('A', 1.5, T1)],
      deadLetters: [],
    });
    expect(
      split(
        'json',
        '[{"symbol":"A","price":2,"ts":1533571210},{"symbol":"B","price":3,"volume":4,"ts":"2018-08-06T16:00:00Z"}]',
      ),
    ).toEqual({
      messages: [quote('A', 2, T2), trade('B', 3, 4, T1)],
      deadLetters: [],
    });
  });

  it('makes one dead letter per bad element, naming it, and one for a payload that holds none', () => {
    expect(
      split(
        'json',
        '[{"symbol":"A","ts":1533571200000},"x",{"price":1,"ts":1533571200000},{"symbol":"B","price":1,"ts":1533571200000,"volume":"2"}]',
      ),
    ).toEqual({
      messages: [],
      deadLetters: [
        dead('element 1 of 4: missing field "price"', '{"symbol":"A","ts":1533571200000}'),
        dead('element 2 of 4: not a JSON object', '"x"'),
        dead('element 3 of 4: missing field "symbol"', '{"price":1,"ts":1533571200000}'),
        dead(
          'element 4 of 4: field "volume" must be a number, got string "2"',
          '{"symbol":"B","price":1,"ts":1533571200000,"volume":"2"}',
        ),
      ],
    });
    expect(split('json', '[]').deadLetters).toEqual([dead('payload holds no object: the array is empty', '[]')]);
    expect(split('json', '{"symbol":"A","price":1}').deadLetters).toEqual([
      dead('missing field "ts"', '{"symbol":"A","price":1}'),
    ]);
    expect(split('json', 'nope').deadLetters).toEqual([
      dead(expect.stringMatching(/^not valid JSON: /) as unknown as string, 'nope'),
    ]);
  });
});

describe('jsonl', () => {
  it('makes one message per line and one dead letter per bad line, skipping blank lines', () => {
    const text = [
      '{"symbol":"A","price":1,"ts":1533571200000}\r',
      '',
      '{"symbol":"A","price":2,"ts":1533571210000',
      '   ',
      '[1]',
      '{"symbol":"B","price":5,"volume":0.25,"ts":1533571210000}',
    ].join('\n');
    expect(split('jsonl', text)).toEqual({
      messages: [quote('A', 1, T1), trade('B', 5, 0.25, T2)],
      deadLetters: [
        dead(
          expect.stringMatching(/^line 3: not valid JSON: /) as unknown as string,
          '{"symbol":"A","price":2,"ts":1533571210000',
        ),
        dead('line 5: not a JSON object', '[1]'),
      ],
    });
  });

  it('makes a dead letter of a payload without a line', () => {
    expect(split('jsonl', ' \n\n').deadLetters).toEqual([dead('payload holds no line: it is empty or blank', ' \n\n')]);
  });
});
