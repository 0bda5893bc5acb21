import { HexstreamError } from '../../domain/hexstream-error';
import { redactUrl } from '../../domain/redaction/redact';
import { redactMySqlUrl } from './mysql-pool';

/** The fields of a mysql2 (or Node socket) error that classify it. */
interface DriverErrorFields {
  readonly code?: unknown;
  readonly errno?: unknown;
  /** mysql2 marks errors that broke the connection (socket errors, "closed state") as fatal. */
  readonly fatal?: unknown;
}

function fields(e: unknown): DriverErrorFields {
  return typeof e === 'object' && e !== null ? (e as DriverErrorFields) : {};
}

const ER_LOCK_WAIT_TIMEOUT = 1205;
const ER_LOCK_DEADLOCK = 1213;
export const ER_DUP_ENTRY = 1062;

/** The connection is gone (or never came): the server rolled back whatever was open on it. */
const CONNECTION_LOST_CODES = new Set(['PROTOCOL_CONNECTION_LOST', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE']);
const CONNECTION_LOST_ERRNOS = new Set([
  2006, // server has gone away
  2013, // lost connection during query
  1927, // MariaDB: connection was killed
  1053, // server shutdown in progress
]);

/** Cannot reach or log in to the server at all. */
const UNAVAILABLE_CODES = new Set([
  ...CONNECTION_LOST_CODES,
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ER_ACCESS_DENIED_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
  'ER_CON_COUNT_ERROR',
  'ER_HOST_NOT_PRIVILEGED',
]);

export function errnoOf(e: unknown): number | undefined {
  const errno = fields(e).errno;
  return typeof errno === 'number' ? errno : undefined;
}

export function isConnectionLost(e: unknown): boolean {
  const { code, fatal } = fields(e);
  const errno = errnoOf(e);
  return (
    fatal === true ||
    (typeof code === 'string' && CONNECTION_LOST_CODES.has(code)) ||
    (errno !== undefined && CONNECTION_LOST_ERRNOS.has(errno))
  );
}

/** Worth running the whole transaction again: the server rolled it back, nothing of it stayed. */
export function isTransient(e: unknown): boolean {
  const errno = errnoOf(e);
  return errno === ER_LOCK_DEADLOCK || errno === ER_LOCK_WAIT_TIMEOUT || isConnectionLost(e);
}

export function isUnavailable(e: unknown): boolean {
  const { code } = fields(e);
  return isConnectionLost(e) || (typeof code === 'string' && UNAVAILABLE_CODES.has(code));
}

/** The driver's message with its code, any URL password masked. */
export function describeDriverError(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const { code } = fields(e);
  const errno = errnoOf(e);
  const tags = [
    typeof code === 'string' && code !== '' ? code : undefined,
    errno !== undefined ? `errno ${errno}` : undefined,
  ].filter((t) => t !== undefined);
  return redactUrl(tags.length > 0 ? `${message} (${tags.join(', ')})` : message);
}

/** The server was reached and answered: it refused the user, the password or the database. */
const LOGIN_REFUSED_CODES = new Set(['ER_ACCESS_DENIED_ERROR', 'ER_DBACCESS_DENIED_ERROR', 'ER_HOST_NOT_PRIVILEGED']);

export function isLoginRefused(e: unknown): boolean {
  const { code } = fields(e);
  return typeof code === 'string' && LOGIN_REFUSED_CODES.has(code);
}

/**
 * Translates a driver error at the adapter's boundary: SINK_UNAVAILABLE when the server cannot be
 * reached or refuses the login, SINK_WRITE_FAILED otherwise; project errors pass through. The
 * message names the server by its redacted URL and the driver error stays as `cause`. A refused
 * login says so: the server is there, what the user must fix is the login in `--mysql`.
 */
export function translateMySqlError(e: unknown, action: string, url: string): HexstreamError {
  if (e instanceof HexstreamError) return e;
  const where = redactMySqlUrl(url);
  if (isLoginRefused(e))
    return new HexstreamError(
      'SINK_UNAVAILABLE',
      `MySQL at ${where} refused the login to ${action}: ${describeDriverError(e)} — check the user, password and database in --mysql`,
      { cause: e },
    );
  if (isUnavailable(e))
    return new HexstreamError(
      'SINK_UNAVAILABLE',
      `cannot reach MySQL at ${where} to ${action}: ${describeDriverError(e)}`,
      { cause: e },
    );
  return new HexstreamError('SINK_WRITE_FAILED', `cannot ${action} on MySQL at ${where}: ${describeDriverError(e)}`, {
    cause: e,
  });
}
