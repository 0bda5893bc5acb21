import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

/** What one connection tells its feed. Each is called only while this connection is the feed's. */
export interface ConnectionEvents {
  /** The handshake is done and the subscriptions are sent. */
  onOpen(): void;
  /** A data message (text or binary), application pings included. */
  onMessage(data: Buffer, isBinary: boolean): void;
  /** Anything from the server: a message, a protocol ping or pong. */
  onHeard(): void;
  /** A message over `maxPayloadBytes` arrived: ws refuses it and closes the connection (1009). */
  onTooLarge(): void;
  /** The connection is gone, with why, in words (never holding the token's URL). */
  onLost(cause: string): void;
}

export interface ConnectionSettings {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly subscribe: readonly string[];
  readonly silenceMs: number;
  readonly maxPayloadBytes: number;
}

/** How long a closing handshake may take before the connection is cut. */
export const CLOSE_WAIT_MS = 1000;

/** Names of the close codes a server is likely to send, for outage lines. */
const CLOSE_NAMES: Readonly<Record<number, string>> = {
  1000: 'normal closure',
  1001: 'going away',
  1002: 'protocol error',
  1003: 'unsupported data',
  1008: 'policy violation',
  1009: 'message too big',
  1011: 'server error',
  1012: 'service restart',
  1013: 'try again later',
};

/** Why a connection ended, from its close code: 1006 means it just went away. */
function closeCause(code: number, reason: string): string {
  if (code === 1006) return 'connection dropped without a close frame';
  const said = reason === '' ? '' : `: ${reason.slice(0, 120)}`;
  return `connection closed by the server (${code} ${CLOSE_NAMES[code] ?? 'close code'}${said})`;
}

function asBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/**
 * One WebSocket connection of a feed: it sends the subscriptions once open, watches for silence
 * (no frame at all for `silenceMs`; the handshake is bounded by the same time) and reports once,
 * through `onLost`, when it ends for whatever reason. Protocol pings are answered by ws itself.
 *
 *   open ──frames──▶ heard=now … silence timer fires: now-heard ≥ silenceMs → terminate → onLost
 *                    paused: timer stopped (nothing is read, so nothing can be heard); resume restarts it
 */
export class WsConnection {
  private readonly socket: WebSocket;
  private lastHeardMs = performance.now();
  private silenceTimer: NodeJS.Timeout | undefined;
  private paused = false;
  private wasOpen = false;
  private ended = false;
  private cause: string | undefined;
  private endTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly settings: ConnectionSettings,
    private readonly events: ConnectionEvents,
  ) {
    this.socket = new WebSocket(settings.url, {
      headers: { ...settings.headers },
      maxPayload: settings.maxPayloadBytes,
      handshakeTimeout: settings.silenceMs,
      // Text that is not UTF-8 becomes a rejection of that one message, not a lost connection.
      skipUTF8Validation: true,
      followRedirects: false,
    });
    this.socket.on('open', () => this.opened());
    this.socket.on('message', (data, isBinary) => {
      this.heard();
      if (!this.ended) this.events.onMessage(asBuffer(data), isBinary);
    });
    this.socket.on('ping', () => this.heard());
    this.socket.on('pong', () => this.heard());
    this.socket.on('error', (error: Error & { code?: string }) => this.failed(error));
    this.socket.on('close', (code, reason) => this.closed(code, reason.toString('utf8')));
  }

  pause(): void {
    if (this.paused || this.ended) return;
    this.paused = true;
    clearTimeout(this.silenceTimer);
    this.socket.pause();
  }

  resume(): void {
    if (!this.paused || this.ended) return;
    this.paused = false;
    this.socket.resume();
    // Nothing could be heard while paused: the silence period starts again.
    this.lastHeardMs = performance.now();
    if (this.wasOpen) this.watchSilence();
  }

  /** Ends the connection with a close frame, waiting at most `waitMs` for the server's answer. */
  async close(waitMs: number): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    this.cause ??= 'closed by the feed';
    this.resume();
    this.socket.close(1000);
    this.endWithin(waitMs);
    await closed;
  }

  /**
   * ws waits 30 s for the server to finish a closing handshake (after `close()`, or after it closed
   * the connection on an error such as a message too large): cut it shorter, so that the
   * reconnection is not held up by a server that does not answer.
   */
  private endWithin(ms: number): void {
    if (this.endTimer !== undefined) return;
    this.endTimer = setTimeout(() => this.socket.terminate(), ms);
  }

  private opened(): void {
    this.wasOpen = true;
    // A pause asked for during the handshake: ws can pause only an open socket.
    if (this.paused) this.socket.pause();
    for (const text of this.settings.subscribe) this.socket.send(text);
    this.events.onOpen();
    // The silence period starts with the connection: a server that never says anything is silent.
    this.lastHeardMs = performance.now();
    if (!this.paused) this.watchSilence();
  }

  private heard(): void {
    this.lastHeardMs = performance.now();
    if (this.ended) return;
    this.events.onHeard();
  }

  /** One timer per silence period, re-armed for the rest of it when something was heard meanwhile. */
  private watchSilence(): void {
    clearTimeout(this.silenceTimer);
    const left = this.lastHeardMs + this.settings.silenceMs - performance.now();
    this.silenceTimer = setTimeout(
      () => {
        this.silenceTimer = undefined;
        if (this.ended || this.paused) return;
        if (performance.now() - this.lastHeardMs >= this.settings.silenceMs) {
          this.cause = `silent: nothing received for ${this.settings.silenceMs} ms`;
          this.socket.terminate();
        } else this.watchSilence();
      },
      Math.max(1, Math.ceil(left)),
    );
  }

  private failed(error: Error & { code?: string }): void {
    if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
      this.cause = `closed after a message over ${this.settings.maxPayloadBytes} bytes`;
      if (!this.ended) this.events.onTooLarge();
      this.endWithin(CLOSE_WAIT_MS);
      return;
    }
    this.cause ??= this.wasOpen ? error.message : `cannot connect: ${error.message}`;
    if (this.wasOpen) this.endWithin(CLOSE_WAIT_MS);
  }

  private closed(code: number, reason: string): void {
    clearTimeout(this.silenceTimer);
    clearTimeout(this.endTimer);
    if (this.ended) return;
    this.ended = true;
    this.events.onLost(this.cause ?? closeCause(code, reason));
  }
}
