import { HexstreamError } from '../../domain/hexstream-error';

/** Broker answers meaning "a newer producer with this transactional id exists" (or the coordinator timed the transaction out). */
const FENCED_TYPES = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED']);
const FENCED_CODES = new Set([47, 90]);
const UNAVAILABLE_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSLockTimeout',
]);
const UNAVAILABLE_TYPES = new Set([
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
  'NOT_LEADER_OR_FOLLOWER',
  'COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR',
  'REQUEST_TIMED_OUT',
  'NOT_ENOUGH_REPLICAS',
  'NETWORK_EXCEPTION',
]);
const UNAVAILABLE_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  // @platformatic/kafka's codes for a lost or silent connection.
  'PLT_KFK_NETWORK',
  'PLT_KFK_TIMEOUT',
]);
/** kafkajs throws a plain Error with this message for a request on a connection it has lost. */
const UNAVAILABLE_MESSAGES = new Set(['Broker not connected']);

interface ErrorFields {
  readonly name?: unknown;
  readonly type?: unknown;
  /** The broker's error name in @platformatic/kafka's errors (`type` in kafkajs's). */
  readonly apiId?: unknown;
  readonly code?: unknown;
  readonly cause?: unknown;
  readonly errors?: unknown;
  readonly message?: unknown;
}

/**
 * kafkajs and @platformatic/kafka wrap a broker's answer in retry and aggregate errors (`cause`,
 * `errors`); the interesting one may sit a few levels down. Yields the error and everything it wraps.
 */
function* chain(e: unknown, depth = 0): Generator<ErrorFields> {
  if (typeof e !== 'object' || e === null || depth > 8) return;
  const fields = e as ErrorFields;
  yield fields;
  if (fields.cause !== e) yield* chain(fields.cause, depth + 1);
  if (Array.isArray(fields.errors)) for (const inner of fields.errors) yield* chain(inner, depth + 1);
}

export function isProducerFenced(e: unknown): boolean {
  for (const f of chain(e)) {
    if (typeof f.type === 'string' && FENCED_TYPES.has(f.type)) return true;
    if (typeof f.apiId === 'string' && FENCED_TYPES.has(f.apiId)) return true;
    if (typeof f.code === 'number' && FENCED_CODES.has(f.code)) return true;
  }
  return false;
}

/** Broker answers refusing a group member's offsets: its generation is over or its member id was replaced. */
const GENERATION_REFUSALS = new Set(['ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'FENCED_INSTANCE_ID']);

/** The group refused offsets of a member that is not (or no longer) in its generation (KIP-447): a zombie. */
export function isGenerationRefused(e: unknown): boolean {
  for (const f of chain(e)) {
    const type = f.type ?? f.apiId;
    if (typeof type === 'string' && GENERATION_REFUSALS.has(type)) return true;
  }
  return false;
}

export function isKafkaUnavailable(e: unknown): boolean {
  for (const f of chain(e)) {
    if (typeof f.name === 'string' && UNAVAILABLE_NAMES.has(f.name)) return true;
    if (typeof f.type === 'string' && UNAVAILABLE_TYPES.has(f.type)) return true;
    if (typeof f.apiId === 'string' && UNAVAILABLE_TYPES.has(f.apiId)) return true;
    if (typeof f.code === 'string' && UNAVAILABLE_ERRNOS.has(f.code)) return true;
    if (typeof f.message === 'string' && UNAVAILABLE_MESSAGES.has(f.message)) return true;
  }
  return false;
}

/** The driver's message on one line, with the broker's error type when it gave one. */
export function describeKafkaError(e: unknown): string {
  // An error's message, also of an error made in another realm (which `instanceof Error` misses).
  const own = (e as { message?: unknown } | null)?.message;
  const message = (typeof own === 'string' ? own : String(e)).replace(/\s+/g, ' ').trim();
  for (const f of chain(e)) {
    const type = f.type ?? f.apiId;
    if (typeof type === 'string' && type !== '' && !message.includes(type)) return `${message} (${type})`;
  }
  return message;
}

/**
 * Translates a kafkajs error at the adapter's boundary: SINK_UNAVAILABLE when the brokers cannot
 * be reached or have no leader or coordinator, SINK_WRITE_FAILED otherwise; project errors pass
 * through. Fencing is told apart by the caller, which knows the transactional id.
 */
export function translateKafkaError(e: unknown, action: string, brokers: readonly string[]): HexstreamError {
  if (e instanceof HexstreamError) return e;
  const where = brokers.join(',');
  if (isKafkaUnavailable(e))
    return new HexstreamError(
      'SINK_UNAVAILABLE',
      `cannot reach Kafka at ${where} to ${action}: ${describeKafkaError(e)}`,
      { cause: e },
    );
  return new HexstreamError('SINK_WRITE_FAILED', `cannot ${action} on Kafka at ${where}: ${describeKafkaError(e)}`, {
    cause: e,
  });
}
