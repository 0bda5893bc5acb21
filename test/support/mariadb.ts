import { randomBytes } from 'node:crypto';
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import { MYSQL_VALUE_OPTIONS } from '../../src/adapters/mysql/mysql-pool';

/** The test server of ARCHITECTURE §6. */
export const MARIADB_HOST = '127.0.0.1';
export const MARIADB_PORT = 3306;
export const MARIADB_USER = 'root';

export interface TestDatabase {
  /** `mysql://root@127.0.0.1:3306/<name>`, for the adapter under test. */
  readonly url: string;
  readonly name: string;
  /** Runs one statement in the database, values as mysql2 returns them to the adapter (exact strings). */
  query(sql: string, params?: unknown[]): Promise<Array<Record<string, unknown>>>;
  drop(): Promise<void>;
}

async function connect(): Promise<Connection> {
  try {
    return await createConnection({
      host: MARIADB_HOST,
      port: MARIADB_PORT,
      user: MARIADB_USER,
      connectTimeout: 5_000,
      ...MYSQL_VALUE_OPTIONS,
    });
  } catch (e) {
    const code = e instanceof Error && 'code' in e ? ` (${String(e.code)})` : '';
    throw new Error(
      `MariaDB is not reachable as ${MARIADB_USER} at ${MARIADB_HOST}:${MARIADB_PORT}${code}: ` +
        'start MariaDB on 127.0.0.1:3306 (e.g. `start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd`)',
      { cause: e },
    );
  }
}

/** Fails with what to start when the shared MariaDB does not answer (the services' global setup asks before any test). */
export async function checkMariaDb(): Promise<void> {
  await (await connect()).end();
}

/** A fresh, uniquely named database for one test; `drop()` removes it and closes the connection. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `hexstream_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const connection = await connect();
  await connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  await connection.query(`USE \`${name}\``);
  // TIMESTAMP columns read back in UTC, as the adapter's sessions see them.
  await connection.query("SET SESSION time_zone = '+00:00'");
  return {
    url: `mysql://${MARIADB_USER}@${MARIADB_HOST}:${MARIADB_PORT}/${name}`,
    name,
    query: async (sql, params) => {
      const [result] = await connection.query(sql, params);
      // Statements other than SELECT answer with a header, not rows.
      return Array.isArray(result) ? (result as RowDataPacket[]).map((r) => ({ ...r })) : [];
    },
    drop: async () => {
      try {
        await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await connection.end();
      }
    },
  };
}
