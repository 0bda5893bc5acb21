import { connectTarget, reconnectDelayMs } from '../../../src/adapters/ws-feed/websocket-feed-options';
import { errorWith } from '../../support/matchers';

describe('reconnectDelayMs', () => {
  const limits = { initialMs: 500, maxMs: 30_000 };

  it('waits between half and all of a step that doubles from initialMs', () => {
    expect(reconnectDelayMs(1, limits, () => 0)).toBe(250);
    expect(reconnectDelayMs(1, limits, () => 0.5)).toBe(375);
    expect(reconnectDelayMs(2, limits, () => 0)).toBe(500);
    expect(reconnectDelayMs(3, limits, () => 0.5)).toBe(1500);
    expect(reconnectDelayMs(6, limits, () => 0.999)).toBe(Math.round(8000 + 8000 * 0.999));
  });

  it('never waits more than maxMs, however many attempts failed', () => {
    expect(reconnectDelayMs(7, limits, () => 0)).toBe(15_000);
    expect(reconnectDelayMs(10_000, limits, () => 1)).toBe(30_000);
  });
});

describe('connectTarget', () => {
  it('adds the token as a query parameter, encoded, keeping the query there is', () => {
    expect(
      connectTarget('wss://ws.finnhub.io', { value: 'ab c&d', placement: { in: 'query', name: 'token' } }),
    ).toEqual({
      url: 'wss://ws.finnhub.io/?token=ab%20c%26d',
      headers: {},
    });
    expect(
      connectTarget('ws://127.0.0.1:9000/s?symbols=AAPL,MSFT', {
        value: 't0k',
        placement: { in: 'query', name: 'key' },
      }),
    ).toEqual({
      url: 'ws://127.0.0.1:9000/s?symbols=AAPL,MSFT&key=t0k',
      headers: {},
    });
  });

  it('sends the token as a header, leaving the URL as it is', () => {
    expect(
      connectTarget('wss://ws.finnhub.io', { value: 'tok', placement: { in: 'header', name: 'X-Finnhub-Token' } }),
    ).toEqual({
      url: 'wss://ws.finnhub.io',
      headers: { 'X-Finnhub-Token': 'tok' },
    });
  });

  it('uses no token when none is given', () => {
    expect(connectTarget('ws://127.0.0.1:9000/s', undefined)).toEqual({ url: 'ws://127.0.0.1:9000/s', headers: {} });
  });

  it('refuses a header name that HTTP does not allow, and a token a header cannot carry', () => {
    expect(() => connectTarget('ws://h/', { value: 'tok', placement: { in: 'header', name: 'X Token' } })).toThrow(
      errorWith({ code: 'CONFIG_INVALID' }),
    );
    expect(() => connectTarget('ws://h/', { value: 'to\r\nk', placement: { in: 'header', name: 'X-Token' } })).toThrow(
      errorWith({
        code: 'CONFIG_INVALID',
        message: 'the token holds control characters, which a header cannot carry',
      }),
    );
  });
});
