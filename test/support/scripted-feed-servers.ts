import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** One answer of a scripted HTTP server. */
export interface ScriptedResponse {
  readonly status: number;
  readonly body: string | Buffer;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ScriptedHttpServer {
  readonly url: string;
  /** Requests answered so far. */
  requests(): number;
  close(): Promise<void>;
}

/**
 * An HTTP server on 127.0.0.1 answering request n (from 0) with `script(n)`. A client that hangs up
 * mid-body (a feed refusing a body too large) is no error here.
 */
export async function scriptedHttpServer(script: (n: number) => ScriptedResponse): Promise<ScriptedHttpServer> {
  let n = 0;
  const server: Server = createServer((req, res) => {
    const answer = script(n++);
    req.resume();
    res.on('error', () => undefined);
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(answer.body);
  });
  server.on('clientError', (_e, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/batch`,
    requests: () => n,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** What a scripted WebSocket server does with connection n (from 0). */
export type ConnectionScript = (socket: WebSocket, n: number, subscriptions: readonly string[]) => void;

export interface ScriptedWsServer {
  readonly url: string;
  /** The texts each connection received, by connection. */
  received(): readonly (readonly string[])[];
  connections(): number;
  close(): Promise<void>;
}

/**
 * A WebSocket server on 127.0.0.1. Each connection first collects `subscriptionsExpected` texts
 * (the client's subscriptions), then is handed to `script`. Protocol pings are not answered
 * (`autoPong: false`): a silent server stays silent to the client's liveness checks.
 */
export async function scriptedWsServer(
  subscriptionsExpected: number,
  script: ConnectionScript,
): Promise<ScriptedWsServer> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: false });
  const received: string[][] = [];
  server.on('connection', (socket) => {
    const n = received.length;
    const texts: string[] = [];
    received.push(texts);
    socket.on('error', () => undefined);
    socket.on('message', (data) => {
      texts.push(Buffer.isBuffer(data) ? data.toString('utf8') : String(data));
      if (texts.length === subscriptionsExpected) script(socket, n, [...texts]);
    });
    if (subscriptionsExpected === 0) script(socket, n, []);
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/`,
    received: () => received,
    connections: () => received.length,
    close: async () => {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
