/** Independent decoders for checking what the RFC 5322 encoders write; they share no code with them. */

/**
 * Independent strict decoder (RFC 2045 §6.7): fails on anything a conforming encoder must not emit
 * (long lines, trailing whitespace, lowercase or broken escapes, raw 8-bit or control bytes).
 * Hard line breaks decode to '\n'.
 */
export function decodeQuotedPrintable(encoded: string): string {
  if (encoded === '') return '';
  if (!encoded.endsWith('\r\n')) throw new Error('body does not end with CRLF');
  const bytes: number[] = [];
  for (const line of encoded.slice(0, -2).split('\r\n')) {
    if (line.length > 76) throw new Error(`line longer than 76: ${line}`);
    if (/[ \t]$/.test(line)) throw new Error(`trailing whitespace: ${JSON.stringify(line)}`);
    if (/[^\t\x20-\x7e]/.test(line)) throw new Error(`raw byte outside printable ASCII: ${JSON.stringify(line)}`);
    const soft = line.endsWith('=');
    const content = soft ? line.slice(0, -1) : line;
    for (let i = 0; i < content.length; i++) {
      if (content[i] === '=') {
        const hex = content.slice(i + 1, i + 3);
        if (!/^[0-9A-F]{2}$/.test(hex)) throw new Error(`bad escape in ${JSON.stringify(line)}`);
        bytes.push(parseInt(hex, 16));
        i += 2;
      } else {
        bytes.push(content.charCodeAt(i));
      }
    }
    if (!soft) bytes.push(0x0a);
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Independent RFC 2047 decoder for a header value made only of `=?UTF-8?B?…?=` words. */
export function decodeEncodedWords(value: string): string {
  const words = value.trim().split(/\s+/);
  const bytes = words.map((word) => {
    const match = /^=\?UTF-8\?B\?([A-Za-z0-9+/]*={0,2})\?=$/.exec(word);
    if (match === null) throw new Error(`not a UTF-8 B encoded-word: ${word}`);
    if (word.length > 75) throw new Error(`encoded-word longer than 75: ${word}`);
    const chunk = Buffer.from(match[1] ?? '', 'base64');
    // Each word must hold whole characters (RFC 2047 §5), so each decodes on its own.
    if (chunk.toString('utf8').includes('\uFFFD')) throw new Error(`word splits a character: ${word}`);
    return chunk;
  });
  return Buffer.concat(bytes).toString('utf8');
}

export interface ParsedMessage {
  readonly lines: readonly string[];
  /** Unfolded header values by lower-case name, in order of appearance. */
  readonly headers: ReadonlyMap<string, readonly string[]>;
  readonly body: string;
}

/** Splits an RFC 5322 message into unfolded headers and the body. */
export function parseMessage(raw: string): ParsedMessage {
  const split = raw.indexOf('\r\n\r\n');
  if (split < 0) throw new Error('no blank line after the headers');
  const headers = new Map<string, string[]>();
  for (const field of raw.slice(0, split).split(/\r\n(?![ \t])/)) {
    const colon = field.indexOf(':');
    const name = field.slice(0, colon).toLowerCase();
    headers.set(name, [
      ...(headers.get(name) ?? []),
      field
        .slice(colon + 1)
        .replace(/\r\n/g, '')
        .trim(),
    ]);
  }
  return { lines: raw.split('\r\n'), headers, body: raw.slice(split + 4) };
}

/** The one value of a header that must appear exactly once. */
export function header(message: ParsedMessage, name: string): string {
  const values = message.headers.get(name.toLowerCase()) ?? [];
  if (values.length !== 1) throw new Error(`expected exactly one ${name} header, found ${values.length}`);
  return values[0] ?? '';
}

/**
 * The text of a message's body as a mail client shows it: decoded by its Content-Transfer-Encoding
 * (`7bit`: checked to be printable ASCII in lines of at most 998 characters; `quoted-printable`),
 * with line breaks as '\n'. Fails on any other encoding, or a body that breaks its own.
 */
export function decodeBody(message: ParsedMessage): string {
  const encoding = header(message, 'Content-Transfer-Encoding').toLowerCase();
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(message.body);
  if (encoding !== '7bit') throw new Error(`unexpected Content-Transfer-Encoding ${encoding}`);
  if (message.body === '') return '';
  if (!message.body.endsWith('\r\n')) throw new Error('body does not end with CRLF');
  const lines = message.body.slice(0, -2).split('\r\n');
  for (const line of lines) {
    if (line.length > 998) throw new Error(`7bit line longer than 998: ${line.slice(0, 40)}…`);
    if (/[^\t\x20-\x7e]/.test(line))
      throw new Error(`7bit line with a byte outside printable ASCII: ${JSON.stringify(line)}`);
  }
  return `${lines.join('\n')}\n`;
}
