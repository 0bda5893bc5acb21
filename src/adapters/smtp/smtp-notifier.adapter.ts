import { randomUUID } from 'node:crypto';
import { inject, injectable, type ServiceIdentifier } from 'inversify';
import { createTransport } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import type { SMTPSentMessageInfo, SMTPTransportOptions } from 'nodemailer/lib/smtp-transport';
import { HexstreamError } from '../../domain/hexstream-error';
import type { Notification, NotifierPort } from '../../ports/notifier.port';
import { buildMessage } from '../encoding/rfc5322';
import { redactUrl } from '../../domain/redaction/redact';
import { AlertThrottle } from './alert-throttle';

export interface SmtpNotifierOptions {
  /**
   * `smtp://user:pass@host:port` (plain text, upgraded with STARTTLS when the server offers it;
   * port 587 by default) or `smtps://user:pass@host:port` (TLS from the first byte; port 465 by
   * default). User and password percent-encoded; without them no login is attempted.
   */
  readonly url: string;
  /** The sender: `From` header and envelope sender, e.g. `hexstream <hexstream@example.com>`. */
  readonly from: string;
  /** Alerts with the same subject go out at most once per this many ms; 0 turns it off. Default 5 min. */
  readonly minIntervalMs?: number;
  /** Bounds one whole send (connect, greeting, login, data) and each of its waits. Default 10 s. */
  readonly timeoutMs?: number;
  /** Epoch ms, for the `Date` header and the alert rate limit; defaults to the system time. */
  readonly now?: () => number;
}

export const SmtpNotifierOptions: ServiceIdentifier<SmtpNotifierOptions> = Symbol.for('hexstream.SmtpNotifierOptions');

const DEFAULT_MIN_INTERVAL_MS = 5 * 60_000;
const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Prod mode's notifier: each notification is one plain-text UTF-8 message (built by `rfc5322.ts`,
 * like the outbox's, with `X-Hexstream-Kind`) handed to an SMTP server on a connection of its own.
 *
 * Alerts are rate limited per subject line, so a failure repeating in a loop sends one mail per
 * `minIntervalMs` while a different failure still gets through at once: an alert within the
 * interval of the last one with the same subject is not sent (`send` resolves without handing
 * anything over) and is counted; the next one that goes out ends with "N similar alerts
 * suppressed since <time>". Reports are never held back. Callers should keep alert subjects
 * stable (no counters or times in them) for the limit to group them.
 *
 * The password never appears in an error: messages name the server as `smtp://user@host:port`,
 * and nodemailer's own logging stays off (its debug output would carry the AUTH exchange).
 */
@injectable()
export class SmtpNotifier implements NotifierPort {
  private readonly now: () => number;
  private readonly timeoutMs: number;
  private readonly server: SmtpServer;
  private readonly throttle: AlertThrottle;
  private readonly transport: Mail<SMTPSentMessageInfo, SMTPTransportOptions>;

  constructor(@inject(SmtpNotifierOptions) private readonly options: SmtpNotifierOptions) {
    this.now = options.now ?? ((): number => Date.now());
    this.timeoutMs = positive('timeoutMs', options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    this.throttle = new AlertThrottle(nonNegative('minIntervalMs', options.minIntervalMs ?? DEFAULT_MIN_INTERVAL_MS));
    this.server = parseSmtpUrl(options.url);
    const transportOptions: SMTPTransportOptions = {
      host: this.server.host,
      port: this.server.port,
      secure: this.server.secure,
      auth: this.server.user === undefined ? undefined : { user: this.server.user, pass: this.server.pass },
      connectionTimeout: this.timeoutMs,
      greetingTimeout: this.timeoutMs,
      socketTimeout: this.timeoutMs,
      dnsTimeout: this.timeoutMs,
      socketCloseTimeout: Math.min(this.timeoutMs, 5_000),
      logger: false,
      debug: false,
      // The message is a finished string: nothing in it may make nodemailer read a file or a URL.
      disableFileAccess: true,
      disableUrlAccess: true,
    };
    this.transport = createTransport(transportOptions);
  }

  async send(notification: Notification): Promise<void> {
    const now = this.now();
    const build = (text: string): string =>
      buildMessage({
        from: this.options.from,
        to: notification.to,
        subject: notification.subject,
        date: new Date(now),
        messageId: `${randomUUID()}@hexstream.local`,
        text,
        extraHeaders: [['X-Hexstream-Kind', notification.kind]],
      });
    // Built (and so validated: no CR/LF in To or Subject) before the rate limit counts it.
    let message = build(notification.text);
    if (notification.kind === 'report') return this.deliver(notification, message);

    const admission = this.throttle.admit(notification.subject, now);
    if (admission === undefined) return;
    if (admission.suppressed > 0)
      message = build(withSuppressedNote(notification.text, admission.suppressed, admission.since));
    try {
      await this.deliver(notification, message);
    } catch (e) {
      admission.release();
      throw e;
    }
  }

  private async deliver(notification: Notification, message: string): Promise<void> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    const failed = (reason: string, cause?: unknown): HexstreamError =>
      new HexstreamError(
        'NOTIFY_FAILED',
        this.scrub(
          `cannot send the ${notification.kind} to ${notification.to} through ${this.server.display}: ${reason}`,
        ),
        { cause },
      );
    let rejected: readonly string[];
    try {
      const info = await this.transport.sendMail({
        envelope: { from: this.options.from, to: notification.to },
        raw: message,
        signal,
      });
      rejected = info.rejected;
    } catch (e) {
      throw failed(signal.aborted ? `no answer within ${this.timeoutMs} ms` : errorText(e), e);
    }
    // Some recipients accepted, some refused: the contract promises the operator a message, so
    // this is a failure even though part of it went out.
    if (rejected.length > 0) throw failed(`the server refused ${rejected.join(', ')}`);
  }

  /** Belt and braces: whatever a driver or server put in a message, the password does not leave. */
  private scrub(text: string): string {
    const redacted = redactUrl(text);
    const pass = this.server.pass;
    return pass === undefined || pass === '' ? redacted : redacted.split(pass).join('***');
  }
}

interface SmtpServer {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly user: string | undefined;
  readonly pass: string | undefined;
  /** `smtps://user@host:465`: the URL without its password, for messages. */
  readonly display: string;
}

function parseSmtpUrl(text: string): SmtpServer {
  // The text itself is never echoed: it may hold a password, mistyped where redaction misses it.
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidConfig('the SMTP URL is not a valid URL (expected smtp://user:pass@host:port or smtps://…)');
  }
  const secure = url.protocol === 'smtps:';
  if (!secure && url.protocol !== 'smtp:')
    throw invalidConfig(`the SMTP URL's scheme ${JSON.stringify(url.protocol)} is not smtp: or smtps:`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw invalidConfig('the SMTP URL has no host');
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') {
    throw invalidConfig('the SMTP URL takes no path, query or fragment');
  }
  const port = url.port === '' ? (secure ? 465 : 587) : Number(url.port);
  const user = url.username === '' ? undefined : decode(url.username);
  const pass = user === undefined ? undefined : decode(url.password);
  const display = `${url.protocol}//${user === undefined ? '' : `${encodeURIComponent(user)}@`}${url.host.replace(/:\d+$/, '')}:${port}`;
  return { host, port, secure, user, pass, display };
}

function decode(component: string): string {
  try {
    return decodeURIComponent(component);
  } catch {
    throw invalidConfig('the SMTP URL has a malformed percent-encoding in its user or password');
  }
}

function withSuppressedNote(text: string, suppressed: number, since: number | undefined): string {
  const what = suppressed === 1 ? '1 similar alert' : `${suppressed} similar alerts`;
  const when = since === undefined ? '' : ` since ${new Date(since).toISOString()}`;
  const separator = text === '' || text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n';
  return `${text}${separator}(${what} suppressed${when}: same subject within the rate limit.)\n`;
}

/** Structural, not `instanceof Error`: errors from Node's own modules may come from another realm. */
function errorText(e: unknown): string {
  return typeof e === 'object' && e !== null && 'message' in e && typeof e.message === 'string'
    ? e.message.trim()
    : String(e);
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw invalidConfig(`SMTP notifier option ${name} must be a positive number of ms, got ${value}`);
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0)
    throw invalidConfig(`SMTP notifier option ${name} must be 0 or more ms, got ${value}`);
  return value;
}

function invalidConfig(message: string): HexstreamError {
  return new HexstreamError('CONFIG_INVALID', message);
}
