import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { HexstreamError } from '../../domain/hexstream-error';
import type {
  HttpAddress,
  HttpBody,
  HttpEndpointPort,
  HttpEventStream,
  HttpListenOptions,
  HttpRequest,
  HttpResponse,
  HttpRoute,
} from '../../ports/http-endpoint.port';
import { bearerAccepted, isOpenPath } from './bearer-token';
import { openEventStream, type OpenStreams } from './event-stream';

/**
 * The HTTP endpoint on fastify: GET and HEAD on exactly the routes given, 404 on any other path,
 * 405 on another method of a known path. With a token, every request but the health checks
 * (`/health/…`, for probes that carry no secret) must present it, else 401.
 */
export class FastifyEndpoint implements HttpEndpointPort {
  private app: FastifyInstance | undefined;
  private readonly streams: OpenStreams = new Set();

  async listen(options: HttpListenOptions, routes: readonly HttpRoute[]): Promise<HttpAddress> {
    if (this.app !== undefined) throw new HexstreamError('INTERNAL', 'the HTTP endpoint is already listening');
    const last = options.port === 0 ? 0 : Math.min(65_535, options.port + Math.max(0, options.tryNextPorts));
    for (let port = options.port; ; port++) {
      const app = this.build(options, routes);
      try {
        await app.listen({ host: options.host, port, listenTextResolver: () => '' });
      } catch (e) {
        await app.close();
        if (!isAddressInUse(e)) throw busyOrFailed(options, port, e);
        if (port >= last) throw busy(options, e);
        continue;
      }
      this.app = app;
      const bound = app.server.address() as AddressInfo;
      const host = options.host.includes(':') ? `[${options.host}]` : options.host;
      return { host: options.host, port: bound.port, url: `http://${host}:${bound.port}/` };
    }
  }

  async close(): Promise<void> {
    for (const stop of [...this.streams]) stop();
    const app = this.app;
    this.app = undefined;
    if (app !== undefined) await app.close();
  }

  private build(options: HttpListenOptions, routes: readonly HttpRoute[]): FastifyInstance {
    // Open event streams never go idle: closing must end them rather than wait for their clients.
    const app = Fastify({ logger: false, forceCloseConnections: true, exposeHeadRoutes: true });
    const token = options.token;
    if (token !== undefined) {
      app.addHook('onRequest', async (request, reply) => {
        if (isOpenPath(pathOf(request.url)) || bearerAccepted(request.headers.authorization, request.url, token))
          return;
        await reply
          .code(401)
          .header('www-authenticate', 'Bearer')
          .type('text/plain; charset=utf-8')
          .send('unauthorized: send Authorization: Bearer <token>\n');
      });
    }
    const known = new Set(routes.map((r) => r.path));
    for (const route of routes) {
      app.get(route.path, async (request, reply) => {
        await this.answer(route, request, reply);
      });
    }
    app.setNotFoundHandler(async (request, reply) => {
      const path = pathOf(request.url);
      const method = request.method;
      const wrongMethod = known.has(path) && method !== 'GET' && method !== 'HEAD';
      await reply
        .code(wrongMethod ? 405 : 404)
        .headers(wrongMethod ? { allow: 'GET, HEAD' } : {})
        .type('text/plain; charset=utf-8')
        .send(wrongMethod ? `method ${method} not allowed: read-only endpoint\n` : `not found: ${path}\n`);
    });
    return app;
  }

  private async answer(route: HttpRoute, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    let response: HttpResponse;
    try {
      response = await route.handle(requestOf(request.url));
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      await reply.code(500).type('text/plain; charset=utf-8').send(`internal error: ${message}\n`);
      return;
    }
    if (isEventStream(response)) {
      openEventStream(response, request, reply, this.streams);
      return;
    }
    await sendBody(reply, response);
  }
}

async function sendBody(reply: FastifyReply, response: HttpBody): Promise<void> {
  const body = typeof response.body === 'string' ? response.body : Buffer.from(response.body);
  await reply
    .code(response.status)
    .headers(response.headers ?? {})
    .header('content-type', response.contentType)
    .send(body);
}

function isEventStream(response: HttpResponse): response is HttpEventStream {
  return 'open' in response;
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

function requestOf(url: string): HttpRequest {
  const parsed = new URL(url, 'http://endpoint');
  const query = new Map<string, string>();
  for (const [k, v] of parsed.searchParams) if (!query.has(k)) query.set(k, v);
  // The token is the endpoint's business: no route sees it.
  query.delete('token');
  return { path: parsed.pathname, query };
}

function isAddressInUse(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'EADDRINUSE';
}

function busy(options: HttpListenOptions, cause: unknown): HexstreamError {
  const range =
    options.tryNextPorts > 0
      ? `ports ${options.port}-${options.port + options.tryNextPorts} are`
      : `port ${options.port} is`;
  return new HexstreamError(
    'HTTP_PORT_BUSY',
    `--http: ${range} already in use on ${options.host}: give another with --http HOST:PORT, or --http off`,
    { cause },
  );
}

function busyOrFailed(options: HttpListenOptions, port: number, cause: unknown): HexstreamError {
  const code = (cause as { code?: unknown }).code;
  const what = cause instanceof Error ? cause.message : String(cause);
  if (code === 'EACCES' || code === 'EADDRNOTAVAIL')
    return new HexstreamError(
      'HTTP_PORT_BUSY',
      `--http: cannot listen on ${options.host}:${port} (${what}): give another with --http HOST:PORT, or --http off`,
      { cause },
    );
  return new HexstreamError('INTERNAL', `--http: cannot listen on ${options.host}:${port}: ${what}`, { cause });
}
