import { isUtf8 } from 'node:buffer';
import { DEAD_LETTER_RAW_BYTES } from '../../domain/engine/dead-letter-raw';
import { formatCount } from '../../domain/format-count';
import type { FeedRejection } from '../../ports/feed-source.port';
import { firstInvalidUtf8, utf8BytePrefix } from '../encoding/utf8';
import type { HttpAnswer } from './http-get';

/** What one answer means for the feed. */
export type AnswerOutcome =
  | { readonly kind: 'payload'; readonly text: string }
  /** 304 Not Modified or 204 No Content: reachable, nothing new. */
  | { readonly kind: 'nothing' }
  | { readonly kind: 'rejected'; readonly rejection: Omit<FeedRejection, 'receivedAtMs'> }
  /** 5xx or 429: the server cannot serve now; worth retrying. */
  | { readonly kind: 'retry'; readonly what: string };

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Sorts an answer: a payload, nothing new, a rejection, or a failure to retry. */
export function answerOutcome(answer: HttpAnswer, maxPayloadBytes: number): AnswerOutcome {
  const { status } = answer;
  if (status === 304 || status === 204) return { kind: 'nothing' };
  if (status === 429 || status >= 500) return { kind: 'retry', what: statusLine(answer) };
  if (status < 200 || status >= 300) return { kind: 'rejected', rejection: statusRejection(answer) };
  if (answer.tooLarge !== undefined || answer.body === undefined) {
    const declared = answer.tooLarge?.declaredBytes;
    const detail =
      declared === undefined
        ? `body over the limit of ${formatCount(maxPayloadBytes)} bytes (no Content-Length): reading stopped there`
        : `body of ${formatCount(declared)} bytes, over the limit of ${formatCount(maxPayloadBytes)} bytes`;
    return { kind: 'rejected', rejection: { reason: 'too-large', detail, raw: rawText(answer.prefix) } };
  }
  // A UTF-8 byte order mark is not part of the text (JSON.parse would refuse it).
  const body = answer.body.subarray(0, 3).equals(UTF8_BOM) ? answer.body.subarray(3) : answer.body;
  if (!isUtf8(body)) {
    const detail = `body of ${formatCount(body.length)} bytes is not UTF-8: invalid byte at offset ${firstInvalidUtf8(body)}`;
    return { kind: 'rejected', rejection: { reason: 'not-text', detail, raw: rawText(body) } };
  }
  return { kind: 'payload', text: body.toString('utf8') };
}

/** A final answer that is not a success: `status` with the status line and the body's start. */
export function statusRejection(answer: HttpAnswer, note?: string): Omit<FeedRejection, 'receivedAtMs'> {
  const redirect =
    answer.status >= 300 && answer.status < 400
      ? `, to ${answer.location ?? '(no Location)'}: redirects are not followed`
      : '';
  const detail = `${statusLine(answer)}${redirect}${note === undefined ? '' : `, ${note}`}`;
  return { reason: 'status', detail, raw: rawText(answer.prefix) };
}

/** `HTTP 503 Service Unavailable`. */
export function statusLine(answer: HttpAnswer): string {
  return `HTTP ${answer.status}${answer.statusText === '' ? '' : ` ${answer.statusText}`}`;
}

/** The start of a body as text for a dead letter: bounded, lossy where it is not UTF-8. */
function rawText(bytes: Buffer): string {
  return utf8BytePrefix(bytes, DEAD_LETTER_RAW_BYTES).toString('utf8');
}
