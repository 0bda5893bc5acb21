import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One answer of the scripted server. */
export interface ScriptedReply {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /** Wait this long before answering (the request may be given up meanwhile). */
  readonly delayMs?: number;
  /** Send the body in 64 KiB chunks without a Content-Length, as fast as the client reads. */
  readonly chunked?: boolean;
  /** Send the head and the body's first `stallAfterBytes` bytes, then nothing more. */
  readonly stallAfterBytes?: number;
  /** Send the head and the body's first `dropAfterBytes` bytes, then close the connection. */
  readonly dropAfterBytes?: number;
}

export interface SeenRequest {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

export interface ScriptedHttpServer {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  readonly requests: readonly SeenRequest[];
  /** The most requests it was answering at once. */
  readonly maxConcurrent: number;
  close(): Promise<void>;
}

/**
 * An HTTP server on 127.0.0.1 answering request n (from 0) with `script(n, request)`. It counts
 * requests under way at once, so a test can check that a client never overlaps them.
 */
export async function startScriptedHttpServer(
  script: (n: number, request: SeenRequest) => ScriptedReply,
): Promise<ScriptedHttpServer> {
  const requests: SeenRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let current = 0;
  let maxConcurrent = 0;
  const server = createServer((req, res) => {
    const seen = { url: req.url ?? '', headers: req.headers };
    const reply = script(requests.length, seen);
    requests.push(seen);
    current += 1;
    maxConcurrent = Math.max(maxConcurrent, current);
    res.on('close', () => (current -= 1));
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!res.destroyed) answer(req, res, reply);
    }, reply.delayMs ?? 0);
    timers.add(timer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    get maxConcurrent() {
      return maxConcurrent;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function answer(_req: IncomingMessage, res: ServerResponse, reply: ScriptedReply): void {
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body) : (reply.body ?? Buffer.alloc(0));
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.chunked !== true) headers['content-length'] ??= String(body.length);
  res.writeHead(reply.status ?? 200, headers);
  if (reply.dropAfterBytes !== undefined) {
    res.write(body.subarray(0, reply.dropAfterBytes), () => res.socket?.destroy());
    return;
  }
  if (reply.stallAfterBytes !== undefined) {
    res.write(body.subarray(0, reply.stallAfterBytes));
    return;
  }
  if (reply.chunked !== true) {
    res.end(body);
    return;
  }
  let at = 0;
  const more = (): void => {
    while (at < body.length && !res.destroyed) {
      const chunk = body.subarray(at, at + 65_536);
      at += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', more);
    }
    if (!res.destroyed) res.end();
  };
  more();
}

/** A script of `replies` in order, then `after` for every further request. */
export function inSequence(replies: readonly ScriptedReply[], after: ScriptedReply): (n: number) => ScriptedReply {
  return (n) => replies[n] ?? after;
}
