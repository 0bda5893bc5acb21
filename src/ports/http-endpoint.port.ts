import type { ServiceIdentifier } from 'inversify';

/** A GET request as a route sees it. */
export interface HttpRequest {
  /** The path without its query string: `/api/topics`. */
  readonly path: string;
  readonly query: ReadonlyMap<string, string>;
}

/** A whole response. */
export interface HttpBody {
  readonly status: number;
  readonly contentType: string;
  readonly body: string | Uint8Array;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * A stream of server-sent events: `open` is called when a client connects, with `send` to push one
 * event; it returns what to call when the client goes away.
 */
export interface HttpEventStream {
  readonly status: 200;
  open(send: (event: string, data: string) => void): () => void;
}

export type HttpResponse = HttpBody | HttpEventStream;

/** One read-only route: a GET on exactly `path`. */
export interface HttpRoute {
  readonly path: string;
  handle(request: HttpRequest): HttpResponse | Promise<HttpResponse>;
}

export interface HttpListenOptions {
  readonly host: string;
  readonly port: number;
  /** How many following ports to try when `port` is taken (0: a taken port fails the listen). */
  readonly tryNextPorts: number;
  /** A bearer token every request must carry (`Authorization: Bearer …`), when set. */
  readonly token?: string;
}

export interface HttpAddress {
  readonly host: string;
  readonly port: number;
  /** `http://host:port/` */
  readonly url: string;
}

/**
 * The process's HTTP endpoint: serves the routes it is given, read-only (GET and HEAD only).
 * `listen` rejects with a `HexstreamError` `HTTP_PORT_BUSY` when no port could be bound.
 */
export interface HttpEndpointPort {
  listen(options: HttpListenOptions, routes: readonly HttpRoute[]): Promise<HttpAddress>;
  close(): Promise<void>;
}

export const HttpEndpointPort: ServiceIdentifier<HttpEndpointPort> = Symbol.for('hexstream.HttpEndpointPort');
