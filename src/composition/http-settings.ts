import type { HttpListenOptions } from '../ports/http-endpoint.port';
import { invalid } from './config-values';
import { parseDuration } from './duration';
import type { RawFlags } from './raw-flags';

/** Where the endpoint listens when `--http` gives no address (like Spark's UI, on the next free port). */
export const DEFAULT_HTTP_HOST = '127.0.0.1';
export const DEFAULT_HTTP_PORT = 7071;
/** With the default address, how many following ports are tried when 7071 is taken. */
export const DEFAULT_HTTP_TRIES = 16;

/**
 * The endpoint `--http` and `--http-token` ask for, or undefined when it is off. `prod`, `batch` and
 * `ingest` serve it by default; `test` only with `--http` (no value: the default address). An address given
 * explicitly is taken as is: when busy, the run is refused rather than moved to another port.
 *
 *   --http off | (test, absent)     no endpoint
 *   --http | --http on | (absent)   127.0.0.1:7071, else the next free port up to 7087
 *   --http HOST:PORT | PORT         exactly there (PORT 0: a free port the system picks)
 */
export function resolveHttpSettings(
  flags: RawFlags,
  mode: 'test' | 'prod' | 'batch' | 'ingest',
): HttpListenOptions | undefined {
  const token = resolveToken(flags.httpToken);
  const text = flags.http?.trim();
  if (text === 'off' || (text === undefined && mode === 'test')) return undefined;
  const withToken = token === undefined ? {} : { token };
  if (text === undefined || text === '' || text === 'on')
    return { host: DEFAULT_HTTP_HOST, port: DEFAULT_HTTP_PORT, tryNextPorts: DEFAULT_HTTP_TRIES, ...withToken };
  const { host, port } = address(text);
  return { host, port, tryNextPorts: 0, ...withToken };
}

function address(text: string): { host: string; port: number } {
  const alone = /^\d{1,5}$/.test(text) ? text : undefined;
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(text);
  const port = Number(alone ?? match?.[3]);
  const host = alone !== undefined ? DEFAULT_HTTP_HOST : (match?.[1] ?? match?.[2]);
  if (host === undefined || !(port <= 65_535))
    throw invalid(
      '--http',
      `expected HOST:PORT, PORT or off (e.g. 127.0.0.1:7071, [::1]:7071, 0.0.0.0:7071), got ${JSON.stringify(text)}`,
    );
  return { host, port };
}

function resolveToken(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  // Never echo the value: it is a secret.
  if (token.trim() === '' || /\s/.test(token)) throw invalid('--http-token', 'must be non-empty and hold no spaces');
  return token;
}

/** Whether only this machine can reach `host` (a loopback address or name). */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * `--http-linger`: how long the endpoint keeps serving the run's final figures after the run ends,
 * in ms; undefined when not asked. Refused without an endpoint to keep.
 */
export function resolveHttpLinger(flags: RawFlags, settings: HttpListenOptions | undefined): number | undefined {
  if (flags.httpLinger === undefined) return undefined;
  const ms = parseDuration(flags.httpLinger);
  if (ms === undefined || ms === 0)
    throw invalid(
      '--http-linger',
      `expected a duration above 0, such as 30s, 10m or 1h, got ${JSON.stringify(flags.httpLinger)}`,
    );
  if (settings === undefined)
    throw invalid('--http-linger', 'keeps the endpoint up after the run, but there is none: give --http');
  return ms;
}
