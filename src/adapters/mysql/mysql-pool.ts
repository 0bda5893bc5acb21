import {
  createConnection,
  createPool,
  type Connection,
  type Pool,
  type PoolConnection,
  type RowDataPacket,
} from 'mysql2/promise';
import { HexstreamError } from '../../domain/hexstream-error';
import { redactUrl } from '../../domain/redaction/redact';
import { MYSQL_IDENTIFIER, MYSQL_IDENTIFIERS, quoteIdentifier as quoteSqlIdentifier } from '../sql/sql-identifiers';

/** Database, table and column names we put into SQL: plain identifiers only, never quoted tricks. */
export { MYSQL_IDENTIFIER };

/** Checks `name` against {@link MYSQL_IDENTIFIER} and returns it back-quoted; CONFIG_INVALID otherwise. */
export function quoteIdentifier(name: string, what: string): string {
  return quoteSqlIdentifier(MYSQL_IDENTIFIERS, name, what);
}

/**
 * The URL for messages, password masked. `redactUrl` covers well-formed URLs; a URL that is not
 * (no scheme, an unencoded '/' or '@' in the password) is masked from the first ':' after the
 * scheme to the last '@', so a mistyped URL cannot leak its password into an error.
 */
export function redactMySqlUrl(url: string): string {
  const redacted = redactUrl(url);
  const at = redacted.lastIndexOf('@');
  if (at < 0) return redacted;
  const scheme = redacted.indexOf('://');
  const start = scheme < 0 ? 0 : scheme + 3;
  const colon = redacted.indexOf(':', start);
  if (colon < 0 || colon > at) return redacted;
  return `${redacted.slice(0, colon)}:***${redacted.slice(at)}`;
}

export interface MySqlTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

/** Parses `mysql://user:pass@host:port/db` (user and password percent-decoded). */
export function parseMySqlUrl(url: string): MySqlTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (e) {
    throw new HexstreamError(
      'CONFIG_INVALID',
      `MySQL URL ${redactMySqlUrl(url)} is not a URL: expected mysql://user:password@host:port/database`,
      { cause: e },
    );
  }
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') {
    throw new HexstreamError('CONFIG_INVALID', `MySQL URL ${redactMySqlUrl(url)} must start with mysql://`);
  }
  if (parsed.hostname === '')
    throw new HexstreamError('CONFIG_INVALID', `MySQL URL ${redactMySqlUrl(url)} has no host`);
  const port = parsed.port === '' ? 3306 : Number(parsed.port);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  quoteIdentifier(database, `database of ${redactMySqlUrl(url)}:`);
  return {
    // An IPv6 literal comes back bracketed from URL; the driver wants it bare.
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database,
  };
}

export interface MySqlPoolSettings {
  /** Bound on establishing one connection (TCP + handshake), default 10 s. */
  readonly connectTimeoutMs?: number;
  readonly connectionLimit?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * Creates a pool on the URL's database, creating that database first if it does not exist
 * (utf8mb4, binary collation: keys compare byte for byte, as in our code). Values come back exactly:
 * BIGINT and DECIMAL as strings, DATETIME/TIMESTAMP as 'YYYY-MM-DD HH:MM:SS.mmm' strings in UTC.
 *
 * Throws CONFIG_INVALID for a bad URL or database name; connection failures reject with the driver
 * error, for the calling adapter to translate with its own error code.
 */
/**
 * How values cross the driver: exact strings for BIGINT and DECIMAL, dates as UTC strings, utf8mb4.
 * Tests read tables with the same options, so they see what the adapter sees.
 */
export const MYSQL_VALUE_OPTIONS = {
  charset: 'utf8mb4',
  supportBigNumbers: true,
  bigNumberStrings: true,
  decimalNumbers: false,
  dateStrings: true,
  timezone: 'Z',
} as const;

export async function createMySqlPool(url: string, settings: MySqlPoolSettings = {}): Promise<Pool> {
  const target = parseMySqlUrl(url);
  const connectTimeout = settings.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const common = {
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    connectTimeout,
    ...MYSQL_VALUE_OPTIONS,
    multipleStatements: false,
  } as const;
  await ensureDatabase(await createConnection(common), target.database);
  return createPool({
    ...common,
    database: target.database,
    connectionLimit: settings.connectionLimit ?? 4,
    waitForConnections: true,
    enableKeepAlive: true,
    // Affected rows = rows matched, not rows changed: the checkpoint's compare-and-set relies on it.
    flags: ['FOUND_ROWS'],
  });
}

async function ensureDatabase(connection: Connection, database: string): Promise<void> {
  try {
    // Checked first so an existing database needs no CREATE privilege.
    const [rows] = await connection.query<RowDataPacket[]>(
      'SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
      [database],
    );
    if (rows.length === 0) {
      await connection.query(
        `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(database, 'database')} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
      );
    }
  } finally {
    connection.destroy();
  }
}

/**
 * The session settings every statement of ours relies on, applied once per physical connection:
 * - time_zone UTC, so TIMESTAMP columns (set by the server) read back in UTC;
 * - a fixed strict sql_mode: an out-of-range value fails instead of being clamped, and backslash
 *   escapes stay on (the driver escapes parameters with backslashes);
 * - READ COMMITTED: REPLACE then takes no gap locks, so concurrent commits deadlock less. The
 *   checkpoint's compare-and-set does not depend on it (an UPDATE always reads the latest row).
 */
const SESSION_SETUP = [
  "SET SESSION time_zone = '+00:00', SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
  'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED',
];
const prepared = new WeakSet<object>();

/** A pooled connection with {@link SESSION_SETUP} applied; release or destroy it when done. */
export async function acquireSession(pool: Pool): Promise<PoolConnection> {
  const connection = await pool.getConnection();
  if (prepared.has(connection.connection)) return connection;
  try {
    for (const statement of SESSION_SETUP) await connection.query(statement);
  } catch (e) {
    connection.destroy();
    throw e;
  }
  prepared.add(connection.connection);
  return connection;
}
