import { resolve } from 'node:path';
import { passwordsOf } from '../domain/redaction/redact';
import { FEED_FORMATS, type FeedFormat } from '../domain/ingest/ingest-settings';
import { CONFIG_PATTERNS, isBrokerAddress } from './config-patterns';
import { invalid, logFormat, logLevel, positiveDuration, positiveInteger } from './config-values';
import type { LogFormat, LogLevel } from './run-config';
import { operatorEmail } from './resolve-engine-config';
import { checkUrl } from './service-urls';

/** `ingest`'s flags as parsed (strings as typed; absent when neither flag nor HEXSTREAM_* variable is set). */
export interface IngestFlags {
  readonly email?: string;
  readonly from?: string;
  readonly format?: string;
  readonly topic?: string;
  readonly to?: string;
  readonly every?: string;
  /** Repeated flag: every value, in order (a HEXSTREAM_SUBSCRIBE variable gives one). */
  readonly subscribe?: string | readonly string[];
  readonly tokenEnv?: string;
  readonly tokenIn?: string;
  readonly timeout?: string;
  readonly silence?: string;
  readonly maxPayloadBytes?: string | number;
  readonly brokers?: string;
  readonly partitions?: string | number;
  readonly progressInterval?: string;
  readonly smtp?: string;
  readonly outbox?: string;
  readonly logLevel?: string;
  readonly logFormat?: string;
  readonly verbose?: boolean;
  readonly http?: string;
  readonly httpToken?: string;
  readonly httpLinger?: string;
}

/** Where the token goes: a query parameter or a request header, by name. */
export interface TokenPlacement {
  readonly in: 'query' | 'header';
  readonly name: string;
}

/** The token read from the variable `--token-env` names. */
export interface FeedToken extends TokenPlacement {
  readonly value: string;
}

export type IngestTarget =
  | {
      readonly kind: 'kafka';
      readonly brokers: readonly string[];
      readonly topic: string;
      readonly deadLetterTopic: string;
      readonly partitions: number;
    }
  | { readonly kind: 'file'; readonly path: string; readonly deadLetterPath: string };

/** An `ingest` run, resolved from flags > HEXSTREAM_* variables > defaults. */
export interface IngestConfig {
  readonly mode: 'ingest';
  readonly email: string;
  /** The URL as given (without the token, which is added by the feed). */
  readonly from: string;
  readonly feed: 'http' | 'ws';
  readonly format: FeedFormat;
  readonly to: IngestTarget;
  /** HTTP: time between the starts of two polls. */
  readonly everyMs: number;
  /** WebSocket: the messages sent on every (re)connect, in order. */
  readonly subscribe: readonly string[];
  readonly token: FeedToken | undefined;
  /** HTTP: bound on one request, from connecting to the last byte. */
  readonly timeoutMs: number;
  /** WebSocket: no message for this long and the connection is dropped and made again. */
  readonly silenceMs: number;
  /** Larger bodies or frames are `too-large` dead letters. */
  readonly maxPayloadBytes: number;
  readonly progressIntervalMs: number;
  readonly maxPending: number;
  readonly maxRemembered: number;
  readonly smtpUrl: string | undefined;
  readonly outbox: string;
  readonly logLevel: LogLevel;
  readonly logFormat?: LogFormat;
}

export const DEFAULT_EVERY_MS = 10_000;
export const DEFAULT_TIMEOUT_MS = 5_000;
export const DEFAULT_SILENCE_MS = 30_000;
export const DEFAULT_MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;
export const DEFAULT_MAX_PENDING = 100_000;
export const DEFAULT_MAX_REMEMBERED = 100_000;
const DEFAULT_TOKEN_IN: TokenPlacement = { in: 'query', name: 'token' };

/**
 * Checks `ingest`'s flags and gives its configuration. `env` is where `--token-env` names the
 * variable holding the token; the token itself is never part of a message.
 */
export function resolveIngestConfig(flags: IngestFlags, env: NodeJS.ProcessEnv): IngestConfig {
  const from = flags.from;
  if (from === undefined || from.trim() === '')
    throw invalid('--from', 'required: the feed, http(s)://… (polled) or ws(s)://… (streamed)');
  const feed = feedKind(from);
  const format = feedFormat(flags.format);
  if (flags.smtp !== undefined) checkUrl('--smtp', flags.smtp, ['smtp:', 'smtps:'], undefined);
  if (feed === 'http' && flags.subscribe !== undefined)
    throw invalid('--subscribe', 'only with a WebSocket feed (--from ws://… or wss://…)');
  return {
    mode: 'ingest',
    email: operatorEmail(flags.email),
    from,
    feed,
    format,
    to: target(flags, format),
    everyMs: positiveDuration('--every', flags.every, DEFAULT_EVERY_MS),
    subscribe: subscriptions(flags.subscribe),
    token: token(flags, env),
    timeoutMs: positiveDuration('--timeout', flags.timeout, DEFAULT_TIMEOUT_MS),
    silenceMs: positiveDuration('--silence', flags.silence, DEFAULT_SILENCE_MS),
    maxPayloadBytes: positiveInteger('--max-payload-bytes', flags.maxPayloadBytes, DEFAULT_MAX_PAYLOAD_BYTES),
    progressIntervalMs: positiveDuration('--progress-interval', flags.progressInterval, 5_000),
    maxPending: DEFAULT_MAX_PENDING,
    maxRemembered: DEFAULT_MAX_REMEMBERED,
    smtpUrl: flags.smtp,
    outbox: resolve(flags.outbox ?? 'out/outbox'),
    logLevel: logLevel({ ...flags, logLevel: flags.logLevel ?? 'info' }),
    ...optionalLogFormat(logFormat(flags)),
  };
}

function optionalLogFormat(format: LogFormat | undefined): { logFormat?: LogFormat } {
  return format === undefined ? {} : { logFormat: format };
}

function feedKind(from: string): 'http' | 'ws' {
  let url: URL;
  try {
    url = new URL(from);
  } catch {
    throw invalid('--from', `not a URL: ${JSON.stringify(from)} (http(s)://… or ws(s)://…)`);
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') return 'http';
  if (url.protocol === 'ws:' || url.protocol === 'wss:') return 'ws';
  throw invalid('--from', `expected http://, https://, ws:// or wss://, got ${url.protocol}//…`);
}

function feedFormat(text: string | undefined): FeedFormat {
  const known = FEED_FORMATS as readonly string[];
  if (text === undefined) throw invalid('--format', `required: ${FEED_FORMATS.join(', ')}`);
  if (!known.includes(text))
    throw invalid('--format', `must be ${FEED_FORMATS.join(', ')}, got ${JSON.stringify(text)}`);
  return text as FeedFormat;
}

/** `--to kafka` (default) or a file; the topic defaults to `trades` for trades, else `quotes`. */
function target(flags: IngestFlags, format: FeedFormat): IngestTarget {
  const to = flags.to ?? 'kafka';
  if (to !== 'kafka') {
    if (flags.topic !== undefined) throw invalid('--topic', 'only with --to kafka');
    const path = resolve(to);
    return { kind: 'file', path, deadLetterPath: `${path.replace(/\.jsonl$/, '')}.dead-letter.jsonl` };
  }
  const topic = flags.topic ?? (format === 'finnhub-trades' ? 'trades' : 'quotes');
  if (!CONFIG_PATTERNS.kafkaTopic.test(topic) || topic.length > 237)
    throw invalid('--topic', `not a valid Kafka topic name: ${JSON.stringify(topic)}`);
  return {
    kind: 'kafka',
    brokers: brokers(flags.brokers),
    topic,
    deadLetterTopic: `${topic}.dead-letter`,
    partitions: positiveInteger('--partitions', flags.partitions, 3),
  };
}

function brokers(text: string | undefined): string[] {
  const list = (text ?? '127.0.0.1:9092')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  if (list.length === 0 || list.some((b) => !isBrokerAddress(b)))
    throw invalid(
      '--brokers',
      `expected host:port[,host:port…] (a host name or IPv4 address, a port from 1 to 65535), got ${JSON.stringify(text)}`,
    );
  return list;
}

function subscriptions(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  const list = typeof value === 'string' ? [value] : [...value];
  if (list.some((s) => s.trim() === '')) throw invalid('--subscribe', 'a subscription message cannot be empty');
  return list;
}

/** The token, from the variable `--token-env` names, placed as `--token-in` says. */
function token(flags: IngestFlags, env: NodeJS.ProcessEnv): FeedToken | undefined {
  const placement = tokenPlacement(flags.tokenIn);
  if (flags.tokenEnv === undefined) {
    if (flags.tokenIn !== undefined) throw invalid('--token-in', 'only with --token-env');
    return undefined;
  }
  const name = flags.tokenEnv;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw invalid('--token-env', `not an environment variable name: ${JSON.stringify(name)}`);
  const value = env[name];
  // Never echo the value: it is a secret.
  if (value === undefined || value.trim() === '')
    throw invalid('--token-env', `the variable ${name} is not set (or empty): export it with the token`);
  if (/[\s]/.test(value)) throw invalid('--token-env', `the value of ${name} holds white space`);
  return { ...placement, value };
}

function tokenPlacement(text: string | undefined): TokenPlacement {
  if (text === undefined) return DEFAULT_TOKEN_IN;
  const m = /^(query|header):([A-Za-z0-9_.~-]+)$/.exec(text);
  if (m === null)
    throw invalid(
      '--token-in',
      `expected query:NAME or header:NAME (e.g. query:token, header:X-Finnhub-Token), got ${JSON.stringify(text)}`,
    );
  return { in: m[1] === 'header' ? 'header' : 'query', name: m[2] ?? '' };
}

/** What ingest masks everywhere it writes: the token, and the passwords of its URLs. */
export function ingestSecrets(config: IngestConfig): string[] {
  return [...(config.token === undefined ? [] : [config.token.value]), ...passwordsOf([config.from, config.smtpUrl])];
}
