import type { DeadLetterReason } from '../../domain/records';

/** Messages per page when the query names no `limit`, and the most it may name (more is cut to it). */
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

const REASONS: readonly DeadLetterReason[] = ['invalid', 'late', 'duplicate', 'error'];

/** What `/api/messages` was asked, checked. */
export interface MessageQuery {
  readonly topic: string;
  readonly partition: number;
  /** Where to start: an offset, a time, or (neither given) the last `limit` messages. */
  readonly from: { readonly offset: number } | { readonly timestampMs: number } | 'tail';
  readonly limit: number;
  readonly reason?: DeadLetterReason;
}

/** A query parameter that makes no sense: the route answers 400 with the message. */
export class BadQuery extends Error {}

/** `topic` (required), `partition` (default 0), `offset` or `time` (ISO-8601 or epoch ms), `limit`, `reason`. */
export function parseMessageQuery(query: ReadonlyMap<string, string>): MessageQuery {
  const topic = query.get('topic') ?? '';
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(topic)) throw new BadQuery(`topic: expected a topic name, got ${quote(topic)}`);
  const partition = whole('partition', query.get('partition') ?? '0');
  const offset = query.get('offset');
  const time = query.get('time');
  if (offset !== undefined && time !== undefined) throw new BadQuery('give offset or time, not both');
  const from =
    offset !== undefined
      ? { offset: whole('offset', offset) }
      : time !== undefined
        ? { timestampMs: instant(time) }
        : ('tail' as const);
  const limitText = query.get('limit');
  const limit = limitText === undefined ? DEFAULT_LIMIT : Math.min(MAX_LIMIT, whole('limit', limitText));
  if (limit < 1) throw new BadQuery('limit: must be at least 1');
  const reasonText = query.get('reason');
  if (reasonText === undefined || reasonText === '') return { topic, partition, from, limit };
  const reason = REASONS.find((r) => r === reasonText);
  if (reason === undefined)
    throw new BadQuery(`reason: expected one of ${REASONS.join(', ')}, got ${quote(reasonText)}`);
  return { topic, partition, from, limit, reason };
}

function whole(name: string, text: string): number {
  const n = /^\d{1,15}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n)) throw new BadQuery(`${name}: expected a whole number ≥ 0, got ${quote(text)}`);
  return n;
}

/** Epoch milliseconds, or an ISO-8601 instant with its zone. */
function instant(text: string): number {
  if (/^\d{1,15}$/.test(text)) return Number(text);
  const ms = /^\d{4}-\d\d-\d\dT[\d:.]+(Z|[+-]\d\d:\d\d)$/.test(text) ? Date.parse(text) : NaN;
  if (!Number.isFinite(ms))
    throw new BadQuery(`time: expected epoch ms or an ISO-8601 instant with its zone, got ${quote(text)}`);
  return ms;
}

function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}
