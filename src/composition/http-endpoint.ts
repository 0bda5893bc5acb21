import { FastifyEndpoint } from '../adapters/http/fastify-endpoint.adapter';
import { HexstreamError } from '../domain/hexstream-error';
import type { HttpEndpointPort, HttpListenOptions } from '../ports/http-endpoint.port';
import type { RunTelemetryPort } from '../ports/run-telemetry.port';
import type { EndpointPart } from './endpoint-part';
import { consolePart } from './console-part';
import { FanOutTelemetry } from './fan-out-telemetry';
import { healthPart, metricsPart } from './observe-parts';
import { ingestPart, type IngestRunSlot } from './ingest-part';
import type { RunConfig } from './run-config';
import { topicsPartFor } from './topics-part';

/** What the endpoint's parts may need to know of the command that serves them. */
export interface EndpointContext {
  readonly mode: RunConfig['mode'] | 'ingest';
  /** Every job the command runs (resolved, not started yet); none for `ingest`. */
  readonly configs: readonly RunConfig[];
  /** `ingest`: where its run's figures are read from once it runs. */
  readonly ingest?: IngestRunSlot;
}

/**
 * The features of the endpoint, in the order their routes are registered. This is the one list
 * of them: a new feature of the endpoint is one more part here.
 */
export function endpointParts(context: EndpointContext): EndpointPart[] {
  // ingest runs no job: its own figures and health checks stand in for the jobs' parts.
  if (context.ingest !== undefined) return [ingestPart(context.ingest)];
  return [
    metricsPart(),
    healthPart(context.configs),
    consolePart(),
    ...topicsPartFor(context.configs),
    // ── Endpoint parts: a new feature of the endpoint joins this list. ──
  ];
}

/** The process's endpoint while it serves: where, the telemetry each job's pipeline tells, and how to stop it. */
export interface RunningEndpoint {
  readonly url: string;
  readonly host: string;
  readonly telemetry: RunTelemetryPort;
  close(): Promise<void>;
}

/**
 * Starts the one endpoint of the process, serving the routes of every part and telling each part's
 * telemetry what the runs do. Several jobs side by side share it (their series carry the label
 * `job`). Rejects with `HTTP_PORT_BUSY` when no port could be bound; the parts are closed then.
 */
export async function startEndpoint(
  options: HttpListenOptions,
  parts: readonly EndpointPart[],
  endpoint: HttpEndpointPort = new FastifyEndpoint(),
): Promise<RunningEndpoint> {
  const routes = parts.flatMap((p) => p.routes);
  const seen = new Set<string>();
  for (const r of routes) {
    if (seen.has(r.path)) throw new HexstreamError('INTERNAL', `two endpoint parts serve ${r.path}`);
    seen.add(r.path);
  }
  const closeParts = async (): Promise<void> => {
    await Promise.allSettled(parts.map(async (p) => p.close?.()));
  };
  let address;
  try {
    address = await endpoint.listen(options, routes);
  } catch (e) {
    await closeParts();
    throw e;
  }
  const telemetry = new FanOutTelemetry(parts.flatMap((p) => (p.telemetry === undefined ? [] : [p.telemetry])));
  return {
    url: address.url,
    host: address.host,
    telemetry,
    close: async () => {
      try {
        await endpoint.close();
      } finally {
        await closeParts();
      }
    },
  };
}
