import { endpointParts, startEndpoint, type EndpointContext } from '../composition/http-endpoint';
import { formatDuration } from '../composition/duration';
import { isLoopback, resolveHttpLinger, resolveHttpSettings } from '../composition/http-settings';
import type { RawFlags } from '../composition/raw-flags';
import type { HttpListenOptions } from '../ports/http-endpoint.port';
import type { RunTelemetryPort } from '../ports/run-telemetry.port';
import type { CliOutput } from './console-output';
import { linger } from './linger';

/**
 * Runs `body` with the process's HTTP endpoint up (when `--http` and the mode ask for one): the
 * endpoint starts before any job, its URL is the first line on stdout, and it closes once every
 * job is over, or (`--http-linger`) after that long or a signal. `body` gets the telemetry to bind
 * into each job's container (none when off).
 */
export async function withEndpoint(
  flags: RawFlags,
  context: EndpointContext,
  out: CliOutput,
  body: (telemetry: RunTelemetryPort | undefined) => Promise<number>,
): Promise<number> {
  const settings = resolveHttpSettings(flags, context.mode);
  const lingerMs = resolveHttpLinger(flags, settings);
  if (settings === undefined) return body(undefined);
  const endpoint = await startEndpoint(settings, endpointParts(context));
  try {
    out.line(`${'endpoint'.padEnd(15)}${endpoint.url}`);
    const warning = openEndpointWarning(settings);
    if (warning !== undefined) out.error(warning);
    const code = await body(endpoint.telemetry);
    if (lingerMs !== undefined) {
      out.line(
        `${'endpoint'.padEnd(15)}stays up for ${formatDuration(lingerMs)} (or until SIGINT/SIGTERM): ${endpoint.url}`,
      );
      await linger(lingerMs);
    }
    return code;
  } finally {
    await endpoint.close();
  }
}

/** The one line said when the endpoint listens beyond this machine without a token. */
export function openEndpointWarning(settings: Pick<HttpListenOptions, 'host' | 'token'>): string | undefined {
  if (isLoopback(settings.host) || settings.token !== undefined) return undefined;
  return `warning: the endpoint on ${settings.host} is open to anyone who can reach it: give --http-token to require a token`;
}
