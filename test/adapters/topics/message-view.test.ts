import { bytesView, messageView, prettyJson, SHOWN_BYTES } from '../../../src/adapters/topics/message-view';

const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text));

describe('bytesView', () => {
  it('pretty-prints a JSON object keeping numbers and escapes as written', () => {
    expect(bytesView(bytes('{"a":[1,2.50,{}],"b":"x\\"y,:{","c":[] ,"n":12345678901234567890}'))).toEqual({
      format: 'json',
      text: '{\n  "a": [\n    1,\n    2.50,\n    {}\n  ],\n  "b": "x\\"y,:{",\n  "c": [],\n  "n": 12345678901234567890\n}',
      bytes: 64,
      truncated: false,
    });
  });

  it('shows text that is not a JSON object or array as it is', () => {
    expect(bytesView(bytes('{"a":'))).toEqual({ format: 'text', text: '{"a":', bytes: 5, truncated: false });
    expect(bytesView(bytes('42'))).toEqual({ format: 'text', text: '42', bytes: 2, truncated: false });
    expect(bytesView(bytes('<b>é</b>'))).toEqual({ format: 'text', text: '<b>é</b>', bytes: 9, truncated: false });
  });

  it('shows bytes that are not UTF-8, or hold control characters, as hex', () => {
    expect(bytesView(new Uint8Array([0x61, 0xc3]))).toEqual({
      format: 'binary',
      text: '61 c3',
      bytes: 2,
      truncated: false,
    });
    expect(bytesView(new Uint8Array([0x61, 0x00, 0x1b]))).toEqual({
      format: 'binary',
      text: '61 00 1b',
      bytes: 3,
      truncated: false,
    });
  });

  it('shows the start of a large value, with its full size, without splitting a character', () => {
    const big = Buffer.from(`${'a'.repeat(SHOWN_BYTES - 1)}é${'b'.repeat(100)}`);
    expect(bytesView(new Uint8Array(big))).toEqual({
      format: 'text',
      text: 'a'.repeat(SHOWN_BYTES - 1),
      bytes: SHOWN_BYTES + 101,
      truncated: true,
    });
    const bigBinary = new Uint8Array(SHOWN_BYTES * 2).fill(0xff);
    const view = bytesView(bigBinary);
    expect([view.format, view.bytes, view.truncated, view.text.length]).toEqual([
      'binary',
      SHOWN_BYTES * 2,
      true,
      SHOWN_BYTES * 3 - 1,
    ]);
  });
});

describe('prettyJson', () => {
  it('refuses what is not valid JSON', () => {
    expect(prettyJson('{"a":1,}')).toBeUndefined();
    expect(prettyJson('[1 2]')).toBeUndefined();
  });
});

describe('messageView', () => {
  it('gives a timestamp that is no instant as null', () => {
    const view = messageView({ partition: 0, offset: 1, timestampMs: -1, key: null, value: null, headers: [] });
    expect(view).toEqual({
      partition: 0,
      offset: 1,
      timestampMs: -1,
      timestamp: null,
      key: null,
      value: null,
      headers: [],
    });
  });
});
