import { HealthChecks } from '../adapters/metrics/health-checks';
import { PrometheusMetrics } from '../adapters/metrics/prometheus-metrics.adapter';
import { redactor } from '../domain/redaction/redact';
import { configSecrets } from './config-secrets';
import type { EndpointPart } from './endpoint-part';
import type { RunConfig } from './run-config';

/** `/metrics`: the runs' figures for Prometheus, with the process's own (CPU, memory, event loop). */
export function metricsPart(): EndpointPart {
  const metrics = new PrometheusMetrics();
  return { name: 'metrics', routes: metrics.routes(), telemetry: metrics };
}

/** `/health/live` and `/health/ready`, for probes and load balancers; the services' passwords masked in reasons. */
export function healthPart(configs: readonly RunConfig[]): EndpointPart {
  const health = new HealthChecks(redactor(configs.flatMap(configSecrets)));
  return { name: 'health', routes: health.routes(), telemetry: health };
}
