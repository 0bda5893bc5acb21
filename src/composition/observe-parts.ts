import { HealthChecks } from '../adapters/metrics/health-checks';
import { PrometheusMetrics } from '../adapters/metrics/prometheus-metrics.adapter';
import type { EndpointPart } from './endpoint-part';

/** `/metrics`: the runs' figures for Prometheus, with the process's own (CPU, memory, event loop). */
export function metricsPart(): EndpointPart {
  const metrics = new PrometheusMetrics();
  return { name: 'metrics', routes: metrics.routes(), telemetry: metrics };
}

/** `/health/live` and `/health/ready`, for probes and load balancers. */
export function healthPart(): EndpointPart {
  const health = new HealthChecks();
  return { name: 'health', routes: health.routes(), telemetry: health };
}
