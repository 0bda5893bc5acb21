import { HexstreamError } from '../../domain/hexstream-error';

/**
 * Plain-text Internet messages (RFC 5322 + MIME), shared by the outbox notifier and the SMTP
 * notifier. Everything here is pure: the caller supplies the date and the Message-ID.
 */

/** RFC 5322 §2.1.1: a line SHOULD be at most 78 characters and MUST be at most 998 (without CRLF). */
const RECOMMENDED_LINE = 78;
const MAX_LINE = 998;
/** RFC 2045 §6.7 rule 5: encoded lines are at most 76 characters, the soft break `=` included. */
const QP_LINE = 76;
/**
 * UTF-8 bytes per encoded-word: 42 bytes are 56 base64 characters, so `=?UTF-8?B?…?=` is 68 long
 * and `Subject: ` plus one word stays within 78 (RFC 2047 §2 itself allows 75 per word).
 */
const WORD_BYTES = 42;
/** A longer run of plain text cannot be folded within 78 characters, so it is encoded instead. */
const MAX_PLAIN_RUN = 66;

const CRLF = '\r\n';
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

export interface MessageFields {
  readonly from: string;
  readonly to: string;
  /** Unstructured text; encoded as RFC 2047 words when it is not plain printable ASCII. */
  readonly subject: string;
  readonly date: Date;
  /** Without the angle brackets, e.g. `3f1c…@hexstream.local`. */
  readonly messageId: string;
  /** Plain text (UTF-8); LF or CRLF line breaks. */
  readonly text: string;
  /** Added after the MIME headers, e.g. `['X-Hexstream-Kind', 'report']`; values must be ASCII. */
  readonly extraHeaders?: ReadonlyArray<readonly [name: string, value: string]>;
}

/**
 * The whole message: headers, blank line, body — as it is (`7bit`) when the text is plain ASCII
 * (see `isPlain7bit`), else quoted-printable; CRLF line endings throughout and a final CRLF.
 * Rejects (`NOTIFY_FAILED`) header values that could inject a header: CR, LF or any other control
 * character in an address, CR or LF in the subject or an extra header.
 */
export function buildMessage(fields: MessageFields): string {
  const plain = isPlain7bit(fields.text);
  const headers: Array<readonly [string, string]> = [
    ['From', checkAddress('From', fields.from)],
    ['To', checkAddress('To', fields.to)],
    ['Subject', encodeHeaderWord(checkNoLineBreak('Subject', fields.subject))],
    ['Date', formatRfc5322Date(fields.date)],
    ['Message-ID', `<${checkMessageId(fields.messageId)}>`],
    ['MIME-Version', '1.0'],
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Transfer-Encoding', plain ? '7bit' : 'quoted-printable'],
  ];
  for (const [name, value] of fields.extraHeaders ?? []) {
    if (!/^[!-9;-~]+$/.test(name)) throw invalid(`header name ${JSON.stringify(name)} is not a valid field name`);
    if (/[^\x20-\x7e]/.test(value)) throw invalid(`header ${name} must be printable ASCII`);
    headers.push([name, value]);
  }
  const body = plain ? fields.text.replace(/\r?\n/g, CRLF) : encodeQuotedPrintable(fields.text);
  return headers.map(([name, value]) => foldHeader(name, value)).join('') + CRLF + body;
}

/**
 * Whether `text` can travel as it is (`7bit`, RFC 2045 §2.7), so that the message reads the same
 * raw as in a mail client (a report's `0=+inf` stays `0=+inf`, not quoted-printable's `0=3D+inf`):
 * printable ASCII and tabs only, lines within 998 characters, none ending in a space or tab (a
 * transport may strip those), LF or CRLF breaks (no lone CR), and a final line break, so that the
 * body decodes to exactly `text`. Anything else is quoted-printable.
 */
export function isPlain7bit(text: string): boolean {
  if (text !== '' && !text.endsWith('\n')) return false;
  return text
    .split(/\r?\n/)
    .every((line) => line.length <= MAX_LINE && /^[\t\x20-\x7e]*$/.test(line) && !/[ \t]$/.test(line));
}

/**
 * Quoted-printable (RFC 2045 §6.7) of the UTF-8 bytes of `text`. LF and CRLF become CRLF hard line
 * breaks; a lone CR is data and becomes `=0D`. Encoded lines are at most 76 characters (soft breaks
 * `=`), `=`, controls and non-ASCII bytes are `=XX`, and a space or tab ending a line is encoded.
 * The result always ends with CRLF: when `text` does not end with a line break, the last line ends
 * with a soft break, so decoding gives back `text` exactly rather than `text` plus a newline.
 */
export function encodeQuotedPrintable(text: string): string {
  const lines = text.split(/\r?\n/);
  const last = lines.length - 1;
  let out = '';
  lines.forEach((line, index) => {
    if (index === last) {
      if (line !== '') out += encodeQpLine(line, true) + CRLF;
    } else {
      out += encodeQpLine(line, false) + CRLF;
    }
  });
  return out;
}

/**
 * Header text as RFC 2047 encoded-words (`=?UTF-8?B?…?=`, separated by spaces, each a whole number
 * of characters and short enough to fold within 78 columns) when it is not plain: non-ASCII or
 * control characters, leading, trailing or doubled spaces, something that reads as an encoded-word
 * (`=?`), or a run too long to fold. Plain printable ASCII is returned unchanged.
 */
export function encodeHeaderWord(text: string): string {
  const plain =
    /^[\x21-\x7e]+( [\x21-\x7e]+)*$/.test(text) &&
    !text.includes('=?') &&
    text.split(' ').every((run) => run.length <= MAX_PLAIN_RUN);
  if (text === '' || plain) return text;
  const words: string[] = [];
  let chunk = '';
  let chunkBytes = 0;
  for (const char of text) {
    const bytes = Buffer.byteLength(char, 'utf8');
    if (chunkBytes + bytes > WORD_BYTES) {
      words.push(encodedWord(chunk));
      chunk = '';
      chunkBytes = 0;
    }
    chunk += char;
    chunkBytes += bytes;
  }
  words.push(encodedWord(chunk));
  return words.join(' ');
}

/** `Mon, 23 Nov 2026 07:35:31 +0000` (RFC 5322 §3.3), always in UTC. */
export function formatRfc5322Date(d: Date): string {
  if (Number.isNaN(d.getTime())) throw invalid('the message date is not a valid date');
  const year = d.getUTCFullYear();
  if (year < 1900 || year > 9999) throw invalid(`the message date's year ${year} is outside 1900-9999`);
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${year} ${time} +0000`;
}

/** One header field, folded at spaces so lines stay within 78 characters where possible. */
function foldHeader(name: string, value: string): string {
  const lines: string[] = [];
  let current = `${name}:`;
  // Each piece is the whitespace before a run plus the run; folding inserts CRLF before a piece.
  for (const piece of ` ${value}`.match(/ +[^ ]*/g) ?? []) {
    const onlySpace = piece.trim() === '';
    if (current !== `${name}:` && !onlySpace && current.length + piece.length > RECOMMENDED_LINE) {
      lines.push(current);
      current = piece;
    } else {
      current += piece;
    }
  }
  lines.push(current);
  if (lines.some((line) => line.length > MAX_LINE))
    throw invalid(`header ${name} has a line longer than ${MAX_LINE} characters`);
  return lines.map((line) => line + CRLF).join('');
}

/** One hard line: greedy fill, never splitting an `=XX`, leaving room for the soft break `=`. */
function encodeQpLine(line: string, endsWithSoftBreak: boolean): string {
  const bytes = Buffer.from(line, 'utf8');
  const encoded: string[] = [];
  let current = '';
  bytes.forEach((byte, index) => {
    const isLast = index === bytes.length - 1;
    const token = isLiteral(byte, isLast)
      ? String.fromCharCode(byte)
      : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    const room = isLast && !endsWithSoftBreak ? QP_LINE : QP_LINE - 1;
    if (current.length + token.length > room) {
      encoded.push(`${current}=`);
      current = '';
    }
    current += token;
  });
  encoded.push(endsWithSoftBreak ? `${current}=` : current);
  return encoded.join(CRLF);
}

/** Printable ASCII except `=`; space and tab too unless they end the line (RFC 2045 §6.7 rule 3). */
function isLiteral(byte: number, endsLine: boolean): boolean {
  if (byte === 0x20 || byte === 0x09) return !endsLine;
  return byte >= 0x21 && byte <= 0x7e && byte !== 0x3d;
}

function encodedWord(chunk: string): string {
  return `=?UTF-8?B?${Buffer.from(chunk, 'utf8').toString('base64')}?=`;
}

function checkAddress(header: string, address: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  if (/[\x00-\x1f\x7f]/.test(address)) throw invalid(`${header} address contains a line break or control character`);
  if (address.trim() === '') throw invalid(`${header} address is empty`);
  return address;
}

function checkNoLineBreak(header: string, value: string): string {
  if (/[\r\n]/.test(value)) throw invalid(`${header} contains a line break`);
  return value;
}

function checkMessageId(id: string): string {
  if (!/^[\w!#$%&'*+\-/=?^`{|}~.]+@[\w!#$%&'*+\-/=?^`{|}~.]+$/.test(id))
    throw invalid(`Message-ID ${JSON.stringify(id)} is not id-left@id-right`);
  return id;
}

function invalid(message: string): HexstreamError {
  return new HexstreamError('NOTIFY_FAILED', message);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
