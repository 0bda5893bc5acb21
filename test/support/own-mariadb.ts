import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { createConnection, type RowDataPacket } from 'mysql2/promise';
import { MYSQL_VALUE_OPTIONS } from '../../src/adapters/mysql/mysql-pool';

/**
 * A MariaDB server of a test's own — its own data dir and port, on 127.0.0.1 — that the test may
 * kill and start again (database outages), without touching the shared server on 3306:
 *
 *   mariadb-install-db --datadir=<tmp>/data ─▶ mariadbd --port=<free> ─▶ kill / start … ─▶ destroy
 */
export interface OwnMariaDb {
  readonly port: number;
  /** `mysql://root@127.0.0.1:<port>/<database>`. */
  url(database: string): string;
  /** Runs one statement against `database`; rows as mysql2 returns them to the adapter. */
  query(database: string, sql: string): Promise<Array<Record<string, unknown>>>;
  /** Ends the server: SIGKILL (a crash or a pulled cable) or SIGTERM (an orderly stop); resolves once it is gone. */
  stop(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** Starts it again on the same port and data; resolves once it answers. */
  start(): Promise<void>;
  /** Stops it and removes its files. */
  destroy(): Promise<void>;
}

const INSTALL_DB = ['/usr/bin/mariadb-install-db', '/usr/bin/mysql_install_db'];
const SERVER = ['/usr/sbin/mariadbd', '/usr/sbin/mysqld', '/usr/bin/mariadbd'];
const READY_TIMEOUT_MS = 60_000;

function firstExisting(paths: readonly string[], what: string): string {
  const found = paths.find((p) => existsSync(p));
  if (found === undefined)
    throw new Error(
      `${what} not found (looked at ${paths.join(', ')}): install the MariaDB server (e.g. apt-get install mariadb-server)`,
    );
  return found;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function run(file: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, [...args], { timeout: 120_000 }, (error, _stdout, stderr) => {
      if (error === null) resolve();
      else reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${stderr}`, { cause: error }));
    });
  });
}

/** `serverArgs` go to mariadbd after the defaults, so they win (e.g. a larger buffer pool). */
export async function startOwnMariaDb(options: { serverArgs?: readonly string[] } = {}): Promise<OwnMariaDb> {
  const installDb = firstExisting(INSTALL_DB, 'mariadb-install-db');
  const serverBin = firstExisting(SERVER, 'mariadbd');
  const dir = mkdtempSync(join(tmpdir(), 'hexstream-mariadb-'));
  const data = join(dir, 'data');
  const user = userInfo().username;
  const port = await freePort();
  await run(installDb, [
    '--no-defaults',
    `--datadir=${data}`,
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
    `--user=${user}`,
  ]);
  let child: ChildProcess | undefined;

  const connect = (database?: string): ReturnType<typeof createConnection> =>
    createConnection({
      host: '127.0.0.1',
      port,
      user: 'root',
      connectTimeout: 2_000,
      ...(database === undefined ? {} : { database }),
      ...MYSQL_VALUE_OPTIONS,
    });

  const start = async (): Promise<void> => {
    if (child !== undefined && child.exitCode === null && child.signalCode === null) return;
    const server = spawn(
      serverBin,
      [
        '--no-defaults',
        `--datadir=${data}`,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        `--socket=${join(dir, 'mysqld.sock')}`,
        `--pid-file=${join(dir, 'mysqld.pid')}`,
        `--log-error=${join(dir, 'error.log')}`,
        `--user=${user}`,
        '--skip-log-bin',
        '--innodb-buffer-pool-size=32M',
        ...(options.serverArgs ?? []),
      ],
      { stdio: 'ignore' },
    );
    child = server;
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (server.exitCode !== null || server.signalCode !== null)
        throw new Error(`mariadbd on port ${port} exited at start:\n${tail(join(dir, 'error.log'))}`);
      try {
        const c = await connect();
        await c.end();
        return;
      } catch {
        if (Date.now() > deadline)
          throw new Error(
            `mariadbd on port ${port} did not answer within ${READY_TIMEOUT_MS / 1000} s:\n${tail(join(dir, 'error.log'))}`,
          );
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };

  const stop = async (signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Promise<void> => {
    const server = child;
    child = undefined;
    if (server === undefined || server.exitCode !== null || server.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => server.once('exit', () => resolve()));
    server.kill(signal);
    await gone;
  };

  try {
    await start();
  } catch (e) {
    await stop();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    port,
    url: (database) => `mysql://root@127.0.0.1:${port}/${database}`,
    query: async (database, sql) => {
      const c = await connect(database);
      try {
        await c.query("SET SESSION time_zone = '+00:00'");
        const [rows] = await c.query(sql);
        return Array.isArray(rows) ? (rows as RowDataPacket[]).map((r) => ({ ...r })) : [];
      } finally {
        await c.end();
      }
    },
    stop,
    start,
    destroy: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '(no error log)';
  }
}
