import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

/** One client connection as the server saw it. */
export interface ServerSideConnection {
  readonly socket: WebSocket;
  /** The request's path and query, as sent by the client. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** Text messages from the client, in order (its subscriptions). */
  readonly received: string[];
  /** Protocol pongs the client sent back. */
  pongs: number;
  /** The close code and reason the client sent, once it closed. */
  closedWith?: { code: number; reason: string };
}

/**
 * A WebSocket server on 127.0.0.1 (a free port) that runs `script` for each connection, with the
 * connection's number (0 for the first). `refuse(n)` turns the handshake of connection n down with
 * the given HTTP status.
 */
export class ScriptedWsServer {
  readonly connections: ServerSideConnection[] = [];

  private constructor(
    private readonly server: WebSocketServer,
    readonly url: string,
  ) {}

  static async start(
    script: (connection: ServerSideConnection, index: number) => void,
    options: { refuse?: (index: number) => number | undefined; port?: number } = {},
  ): Promise<ScriptedWsServer> {
    let attempts = 0;
    const server = new WebSocketServer({
      host: '127.0.0.1',
      port: options.port ?? 0,
      verifyClient: (_info, done) => {
        const status = options.refuse?.(attempts++);
        if (status === undefined) done(true);
        else done(false, status);
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    const port = (server.address() as AddressInfo).port;
    const scripted = new ScriptedWsServer(server, `ws://127.0.0.1:${port}/stream`);
    server.on('connection', (socket, request) => {
      const connection: ServerSideConnection = {
        socket,
        path: request.url ?? '',
        headers: request.headers,
        received: [],
        pongs: 0,
      };
      socket.on('message', (data) => connection.received.push((data as Buffer).toString('utf8')));
      socket.on('pong', () => connection.pongs++);
      socket.on('close', (code, reason) => (connection.closedWith = { code, reason: reason.toString('utf8') }));
      socket.on('error', () => undefined);
      const index = scripted.connections.length;
      scripted.connections.push(connection);
      script(connection, index);
    });
    return scripted;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Cuts every client off and stops listening. */
  async close(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Resolves once `condition()` holds, checking every 5 ms; fails after `maxMs` saying what was awaited. */
export async function until(condition: () => boolean, maxMs: number, what: string): Promise<void> {
  const deadline = Date.now() + maxMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`waited ${maxMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
