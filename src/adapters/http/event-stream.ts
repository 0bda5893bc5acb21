import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HttpEventStream } from '../../ports/http-endpoint.port';

/** What ends each open stream: called on client disconnect and when the endpoint closes. */
export type OpenStreams = Set<() => void>;

/** A comment line every so often keeps proxies and browsers from timing an idle stream out. */
const KEEP_ALIVE_MS = 15_000;

/**
 * Serves a stream of server-sent events on the raw response: `event: …` and `data: …` lines (one
 * `data:` per line of the payload), a `: keep-alive` comment every 15 s, and the route's stop
 * called once when the client goes away or the endpoint closes.
 */
export function openEventStream(
  stream: HttpEventStream,
  request: FastifyRequest,
  reply: FastifyReply,
  streams: OpenStreams,
): void {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  if (request.method === 'HEAD') {
    res.end();
    return;
  }
  res.write(': connected\n\n');
  let ended = false;
  const send = (event: string, data: string): void => {
    if (ended) return;
    const lines = data.split(/\r\n|\r|\n/).map((l) => `data: ${l}\n`);
    res.write(`event: ${event.replace(/[\r\n]/g, ' ')}\n${lines.join('')}\n`);
  };
  const stopRoute = stream.open(send);
  const timer = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
  timer.unref();
  const end = (): void => {
    if (ended) return;
    ended = true;
    clearInterval(timer);
    streams.delete(end);
    stopRoute();
    if (!res.writableEnded) res.end();
  };
  streams.add(end);
  request.raw.on('close', end);
  res.on('close', end);
  // The client may have left while the route opened.
  if (res.destroyed) end();
}
