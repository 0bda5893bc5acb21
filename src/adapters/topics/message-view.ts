import type { BrowsedMessage } from '../../ports/topic-browser.port';

/** Shown of a key, value or header: bytes past this are left out (the view says the full size). */
export const SHOWN_BYTES = 16 * 1024;

/**
 * Bytes as a browser shows them. `json`: valid UTF-8 holding a JSON object or array, pretty-printed
 * (2 spaces); `text`: other valid UTF-8; `binary`: anything else, as hex pairs. `truncated` when
 * only the first `SHOWN_BYTES` were looked at: `bytes` is then the full size, and a cut JSON value
 * is shown as the text it starts with.
 */
export interface BytesView {
  readonly format: 'json' | 'text' | 'binary';
  readonly text: string;
  readonly bytes: number;
  readonly truncated: boolean;
}

export interface MessageView {
  readonly partition: number;
  readonly offset: number;
  readonly timestampMs: number;
  /** ISO-8601 (UTC), or `null` for a timestamp that is no instant (-1: none). */
  readonly timestamp: string | null;
  readonly key: BytesView | null;
  readonly value: BytesView | null;
  readonly headers: ReadonlyArray<{ readonly name: string; readonly value: BytesView }>;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** A message as the page renders it (`/api/messages`). */
export function messageView(m: BrowsedMessage): MessageView {
  const valid = Number.isFinite(m.timestampMs) && m.timestampMs >= 0 && m.timestampMs <= 8.64e15;
  return {
    partition: m.partition,
    offset: m.offset,
    timestampMs: m.timestampMs,
    timestamp: valid ? new Date(m.timestampMs).toISOString() : null,
    key: m.key === null ? null : bytesView(m.key),
    value: m.value === null ? null : bytesView(m.value),
    headers: m.headers.map((h) => ({ name: h.name, value: bytesView(h.value) })),
  };
}

export function bytesView(bytes: Uint8Array): BytesView {
  const truncated = bytes.length > SHOWN_BYTES;
  const shown = truncated ? bytes.subarray(0, SHOWN_BYTES) : bytes;
  const text = utf8(shown, truncated);
  if (text === undefined) return { format: 'binary', text: hex(shown), bytes: bytes.length, truncated };
  if (!truncated) {
    const pretty = prettyJson(text);
    if (pretty !== undefined) return { format: 'json', text: pretty, bytes: bytes.length, truncated };
  }
  return { format: 'text', text, bytes: bytes.length, truncated };
}

/**
 * The bytes as UTF-8 text, or `undefined` when they are not UTF-8 or hold control characters other
 * than tab and line ends (binary data that happens to decode). A cut may split the last character:
 * up to 3 bytes of it are left out.
 */
function utf8(bytes: Uint8Array, cut: boolean): string | undefined {
  for (let drop = 0; drop <= (cut ? 3 : 0); drop++) {
    try {
      const text = decoder.decode(bytes.subarray(0, bytes.length - drop));
      // eslint-disable-next-line no-control-regex -- control characters are what is looked for
      return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text) ? undefined : text;
    } catch {
      // Not UTF-8 (or a character cut short): try without the last byte, when cut.
    }
  }
  return undefined;
}

/**
 * Valid JSON text re-indented token by token, never parsed into values and printed again: a number
 * stays as written (`12.50`, `12345678901234567890`), a string keeps its escapes.
 */
export function prettyJson(text: string): string | undefined {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    JSON.parse(text);
  } catch {
    return undefined;
  }
  let out = '';
  let depth = 0;
  const newline = (): string => `\n${'  '.repeat(depth)}`;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '"') {
      const end = stringEnd(text, i);
      out += text.slice(i, end);
      i = end - 1;
    } else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      const next = nextToken(text, i + 1);
      if (text.charAt(next) === close) {
        out += c + close;
        i = next;
      } else {
        depth++;
        out += c + newline();
      }
    } else if (c === '}' || c === ']') {
      depth--;
      out += newline() + c;
    } else if (c === ',') out += c + newline();
    else if (c === ':') out += ': ';
    else if (!/\s/.test(c)) out += c;
  }
  return out;
}

/** The index after the closing quote of the string starting at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text.charAt(i) !== '"') i += text.charAt(i) === '\\' ? 2 : 1;
  return i + 1;
}

function nextToken(text: string, from: number): number {
  let i = from;
  while (i < text.length && /\s/.test(text.charAt(i))) i++;
  return i;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
