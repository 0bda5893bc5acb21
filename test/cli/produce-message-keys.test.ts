import { builtInJob } from '../../src/composition/built-in-jobs';

/** The Kafka key of a record `produce --job NAME` sends. */
const keyOf = (job: string): ((text: string) => string | undefined) | undefined => builtInJob(job)?.io.partitionKey;

describe('message keys of produced records', () => {
  const ordersKey = keyOf('orders');

  it('keys an order by its shopid', () => {
    expect(
      ordersKey?.(
        '{"orderid":1,"itemid":2,"shopid":100123,"region":"TW","count":1,"price":1.5,"timestamp":1735689600}',
      ),
    ).toBe('100123');
    // Invalid for the job, but its shop is known: it still goes with that shop's records.
    expect(ordersKey?.('{"orderid":1,"shopid":100123,"count":-1}')).toBe('100123');
  });

  it.each([
    ['{"orderid":1,"itemid":2,"shopid":1001', 'truncated JSON'],
    ['[{"shopid":100123}]', 'an array'],
    ['{"orderid":1,"itemid":2}', 'no shopid'],
    ['{"shopid":"100123"}', 'a string shopid'],
    ['{"shopid":1.5}', 'a fractional shopid'],
    ['null', 'null'],
    ['orderid=1;shopid=2', 'not JSON'],
  ])('gives no key to %j (%s)', (line) => {
    expect(ordersKey?.(line)).toBeUndefined();
  });

  it('keys a trade by its symbol, in CSV or JSON', () => {
    const tradeKey = keyOf('stock-averages');
    expect(tradeKey?.('AMC,BUY ,755.46,231,1534849274072,2018-08-21 21:01:14.072')).toBe('AMC');
    expect(tradeKey?.('{"stockName":"AGL","tradeType":"SELL","price":1}')).toBe('AGL');
    expect(tradeKey?.(',BUY,1,2,3,x')).toBeUndefined();
    expect(tradeKey?.('{"stockName":"AGL"')).toBeUndefined();
    expect(keyOf('ohlc')?.('{"symbol":"XOM","price":1,"volume":1,"ts":1}')).toBe('XOM');
  });

  it('has no key function for a job that declares none', () => {
    expect(keyOf('top-averages')).toBeUndefined();
    expect(keyOf('no-such-job')).toBeUndefined();
  });
});
