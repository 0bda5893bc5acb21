import fc from 'fast-check';
import { HexstreamError } from '../../../src/domain/hexstream-error';
import {
  decodeBody,
  decodeEncodedWords,
  decodeQuotedPrintable,
  header,
  parseMessage,
} from '../../support/mime-decoders';
import {
  buildMessage,
  encodeHeaderWord,
  encodeQuotedPrintable,
  formatRfc5322Date,
  isPlain7bit,
  type MessageFields,
} from '../../../src/adapters/encoding/rfc5322';
import { errorWith } from '../../support/matchers';
import { propertyRuns } from '../../support/property-runs';

function lineBreaksToLf(text: string): string {
  return text.replace(/\r\n/g, '\n');
}

const x = (n: number): string => 'x'.repeat(n);

describe('encodeQuotedPrintable', () => {
  it.each([
    ['', ''],
    ['abc', 'abc=\r\n'],
    ['abc\n', 'abc\r\n'],
    ['\n', '\r\n'],
    ['a\r\nb\n', 'a\r\nb\r\n'],
    ['a\rb\n', 'a=0Db\r\n'],
    ['a=b\n', 'a=3Db\r\n'],
    ['café\n', 'caf=C3=A9\r\n'],
    ['中\n', '=E4=B8=AD\r\n'],
    ['😀\n', '=F0=9F=98=80\r\n'],
    ['two spaces  \n', 'two spaces =20\r\n'],
    ['tab\t\n', 'tab=09\r\n'],
    ['end space ', 'end space=20=\r\n'],
    ['a\u0000b\u007f\n', 'a=00b=7F\r\n'],
    [`${x(76)}\n`, `${x(76)}\r\n`],
    [`${x(77)}\n`, `${x(75)}=\r\nxx\r\n`],
    [`${x(200)}\n`, `${x(75)}=\r\n${x(75)}=\r\n${x(50)}\r\n`],
    [x(76), `${x(75)}=\r\nx=\r\n`],
    [`${x(74)}é\n`, `${x(74)}=\r\n=C3=A9\r\n`],
    [`${x(72)}é\n`, `${x(72)}=C3=\r\n=A9\r\n`],
    [`${x(74)} y\n`, `${x(74)} y\r\n`],
    [`${x(74)} yz\n`, `${x(74)} =\r\nyz\r\n`],
  ])('encodes %j as %j', (text, expected) => {
    expect(encodeQuotedPrintable(text)).toBe(expected);
  });

  it('round-trips any text, with lines of at most 76 characters', () => {
    const piece = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.constantFrom('\n', '\r\n', '\r', ' ', '\t', '=', 'é', '中', '😀', x(80)),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 40 }).map((parts) => parts.join('')),
        (text) => {
          const encoded = encodeQuotedPrintable(text);
          for (const line of encoded.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
          // Lone surrogates cannot be UTF-8; Buffer writes U+FFFD for them, as the decoder will see.
          expect(decodeQuotedPrintable(encoded)).toBe(lineBreaksToLf(Buffer.from(text, 'utf8').toString('utf8')));
        },
      ),
      { numRuns: propertyRuns(500) },
    );
  });
});

describe('encodeHeaderWord', () => {
  it('leaves plain printable ASCII unchanged', () => {
    expect(encodeHeaderWord('hexstream report: orders, 12 dead letters')).toBe(
      'hexstream report: orders, 12 dead letters',
    );
    expect(encodeHeaderWord('')).toBe('');
  });

  it('encodes non-ASCII text as one UTF-8 B encoded-word', () => {
    expect(encodeHeaderWord('Rapport café')).toBe('=?UTF-8?B?UmFwcG9ydCBjYWbDqQ==?=');
  });

  it.each([['=?UTF-8?B?abc?='], [' leading'], ['trailing '], ['double  space'], ['tab\there'], [x(67)]])(
    'encodes %j, which would not survive as plain text',
    (text) => {
      const encoded = encodeHeaderWord(text);
      expect(encoded).toMatch(/^=\?UTF-8\?B\?/);
      expect(decodeEncodedWords(encoded)).toBe(text);
    },
  );

  it('splits long text into words of at most 68 characters without splitting a character', () => {
    const text = `${'中'.repeat(30)} ${'😀'.repeat(20)} é`;
    const encoded = encodeHeaderWord(text);
    const words = encoded.split(' ');
    expect(words.length).toBe(5);
    for (const word of words) expect(word.length).toBeLessThanOrEqual(68);
    expect(decodeEncodedWords(encoded)).toBe(text);
  });
});

describe('formatRfc5322Date', () => {
  it('formats in UTC with a numeric zone', () => {
    expect(formatRfc5322Date(new Date(Date.UTC(2026, 10, 23, 7, 35, 31, 123)))).toBe('Mon, 23 Nov 2026 07:35:31 +0000');
    expect(formatRfc5322Date(new Date(Date.UTC(2024, 1, 5, 9, 4, 3)))).toBe('Mon, 05 Feb 2024 09:04:03 +0000');
    expect(formatRfc5322Date(new Date(Date.UTC(2000, 0, 1, 0, 0, 0)))).toBe('Sat, 01 Jan 2000 00:00:00 +0000');
  });

  it('rejects an invalid date', () => {
    expect(() => formatRfc5322Date(new Date(Number.NaN))).toThrow(errorWith({ code: 'NOTIFY_FAILED' }));
  });
});

describe('buildMessage', () => {
  const fields: MessageFields = {
    from: 'hexstream@localhost',
    to: 'ops@example.com',
    subject: 'Rapport café',
    date: new Date(Date.UTC(2026, 10, 23, 7, 35, 31, 123)),
    messageId: 'abc-123@hexstream.local',
    text: 'Counts: 3\nprix = 5 €\n',
    extraHeaders: [['X-Hexstream-Kind', 'report']],
  };

  it('builds headers, a blank line and a quoted-printable body, all with CRLF', () => {
    expect(buildMessage(fields)).toBe(
      [
        'From: hexstream@localhost',
        'To: ops@example.com',
        'Subject: =?UTF-8?B?UmFwcG9ydCBjYWbDqQ==?=',
        'Date: Mon, 23 Nov 2026 07:35:31 +0000',
        'Message-ID: <abc-123@hexstream.local>',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
        'X-Hexstream-Kind: report',
        '',
        'Counts: 3',
        'prix =3D 5 =E2=82=AC',
        '',
      ].join('\r\n'),
    );
  });

  it('sends a plain ASCII text as it is (7bit): the report reads the same raw and in a mail client', () => {
    const text = 'hexstream test run of job orders: completed\n\nwatermarks       0=+inf\nrows written     3846\n';
    const message = buildMessage({ ...fields, text });
    expect(
      message.endsWith(
        '\r\n\r\nhexstream test run of job orders: completed\r\n\r\nwatermarks       0=+inf\r\nrows written     3846\r\n',
      ),
    ).toBe(true);
    const parsed = parseMessage(message);
    expect(header(parsed, 'Content-Transfer-Encoding')).toBe('7bit');
    expect(header(parsed, 'Content-Type')).toBe('text/plain; charset=utf-8');
    expect(message).not.toContain('=3D');
    expect(decodeBody(parsed)).toBe(text);
  });

  it.each([
    ['plain ASCII lines', 'a = b\n\tc\n', true],
    ['CRLF breaks', 'a\r\nb\r\n', true],
    ['nothing', '', true],
    ['non-ASCII', 'prix 5 €\n', false],
    ['no final line break', 'a', false],
    ['a trailing space', 'a \n', false],
    ['a trailing tab', 'a\t\n', false],
    ['a lone CR', 'a\rb\n', false],
    ['a control character', 'a\u0000\n', false],
    ['a line of 998 characters', `${x(998)}\n`, true],
    ['a line of 999 characters', `${x(999)}\n`, false],
  ])('isPlain7bit: %s → %j', (_, text, plain) => {
    expect(isPlain7bit(text)).toBe(plain);
  });

  it('declares the encoding it used: any text decodes back from the message as a mail client decodes it', () => {
    const piece = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string(),
      fc.constantFrom('\n', '\r\n', '\r', ' ', '\t', '=', '=3D', 'é', x(80), x(1000)),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 20 }).map((parts) => parts.join('')),
        (text) => {
          const parsed = parseMessage(buildMessage({ ...fields, text }));
          expect(header(parsed, 'Content-Transfer-Encoding')).toBe(isPlain7bit(text) ? '7bit' : 'quoted-printable');
          expect(decodeBody(parsed)).toBe(lineBreaksToLf(Buffer.from(text, 'utf8').toString('utf8')));
        },
      ),
      { numRuns: propertyRuns(500) },
    );
  });

  it('folds a long subject at spaces so no line exceeds 78 characters', () => {
    const subject = Array.from({ length: 20 }, (_, i) => `word${i}`).join(' ');
    const message = buildMessage({ ...fields, subject });
    const header = /^Subject:((?:.*\r\n[ \t])*.*)\r\n/m.exec(message)?.[1] ?? '';
    expect(header).toContain('\r\n ');
    for (const line of message.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
    expect(header.replace(/\r\n/g, '').trim()).toBe(subject);
  });

  it('folds a long non-ASCII subject between encoded-words', () => {
    const subject = 'é'.repeat(100);
    const message = buildMessage({ ...fields, subject });
    for (const line of message.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
    const header = /^Subject:((?:.*\r\n[ \t])*.*)\r\n/m.exec(message)?.[1] ?? '';
    expect(decodeEncodedWords(header.replace(/\r\n/g, ''))).toBe(subject);
  });

  it.each<[string, Partial<MessageFields>]>([
    ['CRLF in To', { to: 'ops@example.com\r\nBcc: victim@example.com' }],
    ['LF in To', { to: 'ops@example.com\nBcc: victim@example.com' }],
    ['CR in To', { to: 'ops@example.com\rBcc: victim@example.com' }],
    ['NUL in To', { to: 'ops@example.com\u0000' }],
    ['empty To', { to: '' }],
    ['LF in Subject', { subject: 'report\nBcc: victim@example.com' }],
    ['CR in Subject', { subject: 'report\rBcc: victim@example.com' }],
    ['LF in From', { from: 'a@b\nX: y' }],
    ['a bad Message-ID', { messageId: 'no at sign' }],
    ['LF in an extra header', { extraHeaders: [['X-Hexstream-Kind', 'report\nBcc: v@example.com']] }],
    ['a bad extra header name', { extraHeaders: [['X Kind', 'report']] }],
  ])('rejects %s with NOTIFY_FAILED', (_, override) => {
    let error: unknown;
    try {
      buildMessage({ ...fields, ...override });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HexstreamError);
    expect((error as HexstreamError).code).toBe('NOTIFY_FAILED');
  });
});
