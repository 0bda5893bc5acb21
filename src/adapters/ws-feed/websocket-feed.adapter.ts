import { isUtf8 } from 'node:buffer';
import { DEAD_LETTER_RAW_BYTES } from '../../domain/engine/dead-letter-raw';
import { HexstreamError } from '../../domain/hexstream-error';
import type { ClockPort } from '../../ports/clock.port';
import type { FeedPoll, FeedSourcePort } from '../../ports/feed-source.port';
import { firstInvalidUtf8, utf8BytePrefix } from '../encoding/utf8';
import { FeedBuffer } from './feed-buffer';
import {
  type BackoffLimits,
  connectTarget,
  reconnectDelayMs,
  WEBSOCKET_FEED_DEFAULTS,
  type WebSocketFeedOptions,
} from './websocket-feed-options';
import { CLOSE_WAIT_MS, type ConnectionSettings, WsConnection } from './ws-connection';

/** An application-level keep-alive (Finnhub's `{"type":"ping"}`): proof of life, not data. */
const APPLICATION_PING = /^\s*\{\s*"type"\s*:\s*"ping"\s*\}\s*$/;

/**
 * A WebSocket stream as a feed: every message is one payload, in arrival order. The feed keeps one
 * connection open, sends the subscriptions on each (re)connection, and replaces a connection that
 * drops, fails to open or goes silent, after a capped exponential backoff with jitter; meanwhile
 * each poll reports the outage in `unavailable`. The token is never part of what it reports.
 */
export class WebSocketFeed implements FeedSourcePort {
  private readonly settings: ConnectionSettings;
  private readonly backoff: BackoffLimits;
  private readonly clock: ClockPort;
  private readonly random: () => number;
  private readonly buffer: FeedBuffer;
  private readonly mask: (text: string) => string;
  private state: 'new' | 'running' | 'closed' = 'new';
  private connection: WsConnection | undefined;
  /** Connections lost in a row without a single frame heard: the backoff's exponent. */
  private failures = 0;
  private outage: { what: string; sinceMs: number } | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private paused = false;

  constructor(options: WebSocketFeedOptions) {
    const protocol = URL.canParse(options.url) ? new URL(options.url).protocol : '';
    if (protocol !== 'ws:' && protocol !== 'wss:')
      throw new HexstreamError('CONFIG_INVALID', 'a WebSocket feed needs a ws:// or wss:// URL');
    const target = connectTarget(options.url, options.token);
    this.settings = {
      ...target,
      subscribe: options.subscribe ?? [],
      silenceMs: positive(options.silenceMs, WEBSOCKET_FEED_DEFAULTS.silenceMs, 'silenceMs'),
      maxPayloadBytes: positive(options.maxPayloadBytes, WEBSOCKET_FEED_DEFAULTS.maxPayloadBytes, 'maxPayloadBytes'),
    };
    this.backoff = options.backoff ?? WEBSOCKET_FEED_DEFAULTS.backoff;
    if (!(this.backoff.initialMs > 0 && this.backoff.maxMs >= this.backoff.initialMs))
      throw new HexstreamError('CONFIG_INVALID', 'backoff needs 0 < initialMs <= maxMs');
    this.clock = options.clock;
    this.random = options.random ?? Math.random;
    this.buffer = new FeedBuffer(
      positive(options.maxBufferedBytes, WEBSOCKET_FEED_DEFAULTS.maxBufferedBytes, 'maxBufferedBytes'),
    );
    this.mask = tokenMask(options.token?.value);
  }

  async open(): Promise<void> {
    if (this.state !== 'new') return;
    this.state = 'running';
    this.connect();
  }

  async poll(maxWaitMs: number): Promise<FeedPoll> {
    if (this.state === 'running') await this.buffer.waitForData(maxWaitMs);
    const { payloads, rejected } = this.buffer.take();
    if (this.paused) {
      this.paused = false;
      this.connection?.resume();
    }
    return this.outage === undefined ? { payloads, rejected } : { payloads, rejected, unavailable: { ...this.outage } };
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.retryTimer);
    this.buffer.interrupt();
    const connection = this.connection;
    this.connection = undefined;
    this.outage = undefined;
    await connection?.close(CLOSE_WAIT_MS);
  }

  private connect(): void {
    this.retryTimer = undefined;
    if (this.state !== 'running') return;
    let connection: WsConnection | undefined;
    const mine = (): boolean => this.state === 'running' && connection !== undefined && this.connection === connection;
    try {
      connection = new WsConnection(this.settings, {
        onOpen: () => {
          if (mine() && this.paused) connection?.pause();
        },
        onMessage: (data, isBinary) => {
          if (mine()) this.received(data, isBinary);
        },
        onHeard: () => {
          if (!mine()) return;
          // Back once the server speaks again: a server that accepts and then says nothing is not.
          this.failures = 0;
          this.outage = undefined;
        },
        onTooLarge: () => {
          if (mine()) this.tooLarge();
        },
        onLost: (cause) => {
          if (mine()) this.lost(cause);
        },
      });
      this.connection = connection;
    } catch (error) {
      this.lost(`cannot connect: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * The connection is gone: report the outage (from the first loss until a frame is heard on a new
   * connection) and reconnect after the backoff. The n-th loss in a row without a frame heard in
   * between waits `reconnectDelayMs(n)`. A waiting poll returns at once, so the outage is seen.
   */
  private lost(cause: string): void {
    this.connection = undefined;
    if (this.state !== 'running') return;
    const what = this.mask(cause);
    this.outage = { what, sinceMs: this.outage?.sinceMs ?? this.clock.now() };
    this.failures++;
    const delay = reconnectDelayMs(this.failures, this.backoff, this.random);
    this.retryTimer = setTimeout(() => this.connect(), delay);
    this.buffer.interrupt();
  }

  private received(data: Buffer, isBinary: boolean): void {
    const receivedAtMs = this.clock.now();
    if (!isUtf8(data)) {
      this.buffer.addRejection({
        reason: 'not-text',
        detail: `${isBinary ? 'binary' : 'text'} message of ${data.length} bytes is not UTF-8 (invalid at byte ${firstInvalidUtf8(data)})`,
        raw: utf8BytePrefix(data, DEAD_LETTER_RAW_BYTES).toString('utf8'),
        receivedAtMs,
      });
    } else {
      const text = data.toString('utf8');
      if (text.length <= 64 && APPLICATION_PING.test(text)) return;
      this.buffer.addPayload({ text, receivedAtMs }, data.length);
    }
    if (this.buffer.full && !this.paused) {
      this.paused = true;
      this.connection?.pause();
    }
  }

  private tooLarge(): void {
    this.buffer.addRejection({
      reason: 'too-large',
      detail: `message over the limit of ${this.settings.maxPayloadBytes} bytes, refused unread; the connection is reopened`,
      raw: '',
      receivedAtMs: this.clock.now(),
    });
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!(Number.isFinite(value) && value > 0))
    throw new HexstreamError('CONFIG_INVALID', `${name} must be a positive number, not ${value}`);
  return value;
}

/** Replaces the token, as given and as it appears URL-encoded, with `***`. */
function tokenMask(token: string | undefined): (text: string) => string {
  if (token === undefined || token === '') return (text) => text;
  const forms = [...new Set([token, encodeURIComponent(token), new URLSearchParams({ t: token }).toString().slice(2)])];
  forms.sort((a, b) => b.length - a.length);
  return (text) => forms.reduce((out, form) => out.split(form).join('***'), text);
}
