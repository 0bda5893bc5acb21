import { isLoopback, resolveHttpSettings } from '../../src/composition/http-settings';

/** What `f` threw, or undefined. */
function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

const DEFAULT = { host: '127.0.0.1', port: 7071, tryNextPorts: 16 };

describe('resolveHttpSettings (--http, --http-token)', () => {
  it('serves prod and batch by default on 127.0.0.1:7071 with 16 fallback ports; test only when asked', () => {
    expect(resolveHttpSettings({}, 'prod')).toEqual(DEFAULT);
    expect(resolveHttpSettings({}, 'batch')).toEqual(DEFAULT);
    expect(resolveHttpSettings({}, 'test')).toBeUndefined();
    for (const alone of ['', 'on', ' on ']) expect(resolveHttpSettings({ http: alone }, 'test')).toEqual(DEFAULT);
  });

  it('turns the endpoint off with off, in every mode', () => {
    for (const mode of ['test', 'prod', 'batch'] as const)
      expect(resolveHttpSettings({ http: 'off' }, mode)).toBeUndefined();
  });

  it('takes an explicit address exactly, with no fallback port', () => {
    const cases: Array<[string, { host: string; port: number }]> = [
      ['127.0.0.1:9000', { host: '127.0.0.1', port: 9000 }],
      ['0.0.0.0:80', { host: '0.0.0.0', port: 80 }],
      ['localhost:7071', { host: 'localhost', port: 7071 }],
      ['metrics.internal:9100', { host: 'metrics.internal', port: 9100 }],
      ['[::1]:7071', { host: '::1', port: 7071 }],
      ['9000', { host: '127.0.0.1', port: 9000 }],
      ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
    ];
    for (const [text, address] of cases)
      expect([text, resolveHttpSettings({ http: text }, 'test')]).toEqual([text, { ...address, tryNextPorts: 0 }]);
  });

  it('refuses anything else in one line naming the flag', () => {
    for (const text of [
      '127.0.0.1',
      '127.0.0.1:',
      ':7071',
      '127.0.0.1:65536',
      'a b:1',
      'http://x:1',
      '::1:7071',
      'yes',
    ])
      expect(thrown(() => resolveHttpSettings({ http: text }, 'prod'))).toMatchObject({
        code: 'CONFIG_INVALID',
        message: `--http: expected HOST:PORT, PORT or off (e.g. 127.0.0.1:7071, [::1]:7071, 0.0.0.0:7071), got ${JSON.stringify(text)}`,
      });
  });

  it('carries the token, and refuses an empty one without echoing it', () => {
    expect(resolveHttpSettings({ httpToken: 'abc123' }, 'prod')).toEqual({ ...DEFAULT, token: 'abc123' });
    // A token for an endpoint that is off changes nothing, but a bad one is still refused.
    expect(resolveHttpSettings({ httpToken: 'abc123' }, 'test')).toBeUndefined();
    for (const token of ['', '   ', 'two words'])
      expect(thrown(() => resolveHttpSettings({ httpToken: token }, 'prod'))).toMatchObject({
        code: 'CONFIG_INVALID',
        message: '--http-token: must be non-empty and hold no spaces',
      });
  });

  it('tells loopback hosts from the others', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1'].map(isLoopback)).toEqual([true, true, true, true]);
    expect(['0.0.0.0', '10.0.0.1', '::', 'example.com', '128.0.0.1'].map(isLoopback)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
