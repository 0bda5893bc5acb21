import type { ClientRequest, IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** An answer the server gave (any status), with as much of the body as the limits let through. */
export interface HttpAnswer {
  readonly status: number;
  readonly statusText: string;
  readonly etag?: string;
  readonly retryAfter?: string;
  readonly location?: string;
  /** The whole body: a 2xx answer within `maxBodyBytes`. */
  readonly body?: Buffer;
  /** The body's first `prefixBytes` (all of a short one): what a rejection shows. */
  readonly prefix: Buffer;
  /** A 2xx body over `maxBodyBytes`: its `Content-Length` when it declared one. */
  readonly tooLarge?: { readonly declaredBytes?: number };
}

export type HttpAttempt =
  { readonly ok: true; readonly answer: HttpAnswer } | { readonly ok: false; readonly what: string };

export interface HttpGetLimits {
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  readonly prefixBytes: number;
}

/**
 * One GET of `url`. Never rejects: a refused, reset or timed-out request is `{ ok: false, what }`.
 * The timeout covers everything from connecting to the last body byte. The body streams in and is
 * counted as it comes: past the limit (or at once, for a declared `Content-Length` over it, after the
 * prefix) the connection is destroyed, so a huge body is never held whole. Redirects are not
 * followed (the token would go wherever they point): a 3xx is an answer like any other.
 * `agent: false` gives every request its own connection, closed after it: a poll every few seconds
 * gains nothing from keep-alive, and a pooled socket the server has closed would fail the next poll.
 */
export function httpGet(
  url: URL,
  headers: Record<string, string>,
  limits: HttpGetLimits,
  signal: AbortSignal,
): Promise<HttpAttempt> {
  return new Promise((resolve) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    let settled = false;
    let req: ClientRequest | undefined;
    const finish = (attempt: HttpAttempt): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(attempt);
      // Whatever is still open (a body cut off, a request timed out) goes now.
      req?.destroy();
    };
    const timer = setTimeout(
      () => finish({ ok: false, what: `no complete answer within ${limits.timeoutMs} ms` }),
      limits.timeoutMs,
    );
    const onAbort = (): void => finish({ ok: false, what: 'the feed was closed' });
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) return onAbort();
    try {
      req = send(url, { method: 'GET', headers, agent: false }, (res) => readAnswer(res, limits, finish));
    } catch (e) {
      // A header value Node refuses (checked by the options first, so only a bug gets here).
      return finish({ ok: false, what: networkFailure(e) });
    }
    req.on('error', (e) => finish({ ok: false, what: networkFailure(e) }));
    req.end();
  });
}

function readAnswer(res: IncomingMessage, limits: HttpGetLimits, finish: (attempt: HttpAttempt) => void): void {
  const status = res.statusCode ?? 0;
  const success = status >= 200 && status < 300;
  const declared = contentLength(res.headers['content-length']);
  const declaredTooLarge = success && declared !== undefined && declared > limits.maxBodyBytes;
  // A body that is kept whole reads up to the limit; anything else only as far as its prefix.
  const keepWhole = success && !declaredTooLarge;
  const stopAfter = keepWhole ? limits.maxBodyBytes : limits.prefixBytes;
  const chunks: Buffer[] = [];
  let seen = 0;
  const answer = (tooLarge: boolean): HttpAnswer => {
    const all = Buffer.concat(chunks);
    return {
      status,
      statusText: res.statusMessage ?? '',
      ...header('etag', res.headers.etag),
      ...header('retryAfter', res.headers['retry-after']),
      ...header('location', res.headers.location),
      ...(keepWhole && !tooLarge ? { body: all } : {}),
      prefix: Buffer.from(all.subarray(0, limits.prefixBytes)),
      ...(tooLarge || declaredTooLarge ? { tooLarge: declaredTooLarge ? { declaredBytes: declared } : {} } : {}),
    };
  };
  res.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    chunks.push(chunk);
    if (seen <= stopAfter) return;
    finish({ ok: true, answer: answer(keepWhole) });
  });
  res.on('end', () => finish({ ok: true, answer: answer(false) }));
  // A response's only errors are the connection ending early (`aborted`); its close says the same.
  const dropped = (): void => finish({ ok: false, what: 'connection dropped before the body was complete' });
  res.on('error', dropped);
  res.on('close', () => {
    if (!res.complete) dropped();
  });
}

function header<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

function contentLength(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim());
}

const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host lookup failed for now',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed while sending',
};

/**
 * A one-line reason for a failed request. Node's messages name the address (`connect
 * ECONNREFUSED 127.0.0.1:8080`) but never the path or query, so they carry no token; the feed
 * masks the token in them all the same.
 */
function networkFailure(e: unknown): string {
  const error = e as NodeJS.ErrnoException;
  const code = typeof error.code === 'string' ? error.code : undefined;
  const known = code === undefined ? undefined : NETWORK_ERRORS[code];
  if (known !== undefined) return `${known} (${code})`;
  const message = error instanceof Error ? error.message : String(e);
  return code === undefined || message.includes(code) ? message : `${message} (${code})`;
}
