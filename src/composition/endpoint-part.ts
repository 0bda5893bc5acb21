import type { HttpRoute } from '../ports/http-endpoint.port';
import type { RunTelemetryPort } from '../ports/run-telemetry.port';

/**
 * One feature of the HTTP endpoint (metrics, health checks, the live console, the topic browser):
 * the routes it serves and, when it watches the runs, the telemetry it takes. The endpoint is
 * assembled from its parts; a part with resources of its own (a broker connection) closes them.
 */
export interface EndpointPart {
  readonly name: string;
  readonly routes: readonly HttpRoute[];
  readonly telemetry?: RunTelemetryPort;
  close?(): Promise<void>;
}
