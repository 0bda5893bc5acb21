import { endpointParts, startEndpoint, type EndpointContext } from '../composition/http-endpoint';
import { isLoopback, resolveHttpSettings } from '../composition/http-settings';
import type { RawFlags } from '../composition/raw-flags';
import type { RunTelemetryPort } from '../ports/run-telemetry.port';
import type { CliOutput } from './console-output';

/**
 * Runs `body` with the process's HTTP endpoint up (when `--http` and the mode ask for one): the
 * endpoint starts before any job, its URL is the first line on stdout, and it closes once every
 * job is over. `body` gets the telemetry to bind into each job's container (none when off).
 */
export async function withEndpoint(
  flags: RawFlags,
  context: EndpointContext,
  out: CliOutput,
  body: (telemetry: RunTelemetryPort | undefined) => Promise<number>,
): Promise<number> {
  const settings = resolveHttpSettings(flags, context.mode);
  if (settings === undefined) return body(undefined);
  const endpoint = await startEndpoint(settings, endpointParts(context));
  try {
    out.line(`${'endpoint'.padEnd(15)}${endpoint.url}`);
    if (!isLoopback(settings.host) && settings.token === undefined)
      out.error(
        `warning: the endpoint on ${settings.host} is open to anyone who can reach it: give --http-token to require a token`,
      );
    return await body(endpoint.telemetry);
  } finally {
    await endpoint.close();
  }
}
