import { Server, Socket } from 'node:net';

/**
 * The unit tier's setup, run before each of its test files: unit tests reach no service. A TCP
 * connection may go only to a loopback port that a server of this test file has listened on (an
 * SMTP stand-in, a port taken and freed to be closed); any other — Kafka, MariaDB, PostgreSQL, the
 * network — fails at once with the reason, and fails the test even when a client retries or
 * swallows the error. The patches live on node's own `net` classes, shared by the worker's later
 * test files (of other tiers, in a run of all of them), so they are undone after the file.
 *
 * HEXSTREAM_BROKERS (set by the services' global setup when all tiers run together) is taken away,
 * so a unit test sees the same environment alone or with the others.
 */
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|::ffff:127(\.\d{1,3}){3})$/;

interface Target {
  readonly host: string;
  readonly port: number;
}

/** Where `socket.connect(...)` goes, for the call forms net and tls use; undefined for a Unix socket path. */
function targetOf(args: readonly unknown[]): Target | undefined {
  const first: unknown = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (typeof first === 'object' && first !== null) {
    const o = first as { host?: unknown; port?: unknown; path?: unknown };
    if (o.path !== undefined) return undefined;
    return { host: typeof o.host === 'string' ? o.host : 'localhost', port: Number(o.port) };
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return undefined;
  return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: Number(first) };
}

const ownPorts = new Set<number>();
const refused: string[] = [];
const originalListen = Server.prototype.listen;
const originalConnect = Socket.prototype.connect;

Server.prototype.listen = function listen(this: Server, ...args: unknown[]): Server {
  this.once('listening', () => {
    const address = this.address();
    if (typeof address === 'object' && address !== null) ownPorts.add(address.port);
  });
  return (originalListen as (...a: unknown[]) => Server).apply(this, args);
};

Socket.prototype.connect = function connect(this: Socket, ...args: unknown[]): Socket {
  const target = targetOf(args);
  if (target === undefined || (LOOPBACK.test(target.host) && ownPorts.has(target.port)))
    return (originalConnect as (...a: unknown[]) => Socket).apply(this, args);
  const where = `${target.host}:${target.port}`;
  refused.push(where);
  const error = Object.assign(
    new Error(
      `unit tests reach no service, refused to connect to ${where}: a test that needs Kafka, MariaDB or PostgreSQL belongs to the integration tier (docs/testing.md)`,
    ),
    { code: 'ECONNREFUSED' },
  );
  process.nextTick(() => this.destroy(error));
  return this;
};

delete process.env['HEXSTREAM_BROKERS'];

afterEach(() => {
  const tried = new Set(refused.splice(0));
  if (tried.size > 0)
    throw new Error(`unit tests reach no service: this test tried ${[...tried].join(', ')} (docs/testing.md)`);
});

afterAll(() => {
  Server.prototype.listen = originalListen;
  Socket.prototype.connect = originalConnect;
});
