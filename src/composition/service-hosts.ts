import { redactMySqlUrl } from '../adapters/mysql/mysql-pool';
import { unresolvedReasons } from '../adapters/system/host-lookup';
import { HexstreamError, type ErrorCode } from '../domain/hexstream-error';
import type { BatchRunConfig, ProdRunConfig } from './run-config';

/** A service a run connects to, as an error line names it. */
export interface ServiceHost {
  readonly service: 'Kafka' | 'MySQL' | 'PostgreSQL';
  /** Where, for messages: `host:port`, or the URL with its password masked. */
  readonly address: string;
  readonly host: string;
  readonly code: ErrorCode;
}

/** How long one name may take to resolve at startup. */
export const HOST_LOOKUP_TIMEOUT_MS = 10_000;

/** The hosts a `prod` or `batch` run connects to, in the order it opens them. */
export function serviceHosts(config: ProdRunConfig | BatchRunConfig): ServiceHost[] {
  const out: ServiceHost[] = [];
  if (config.mode === 'prod') {
    for (const broker of config.brokers)
      out.push({
        service: 'Kafka',
        address: broker,
        host: broker.slice(0, broker.lastIndexOf(':')),
        code: 'SOURCE_UNAVAILABLE',
      });
    if (config.kafkaOutput !== undefined) return out;
  }
  const postgres = config.postgresUrl;
  const url = postgres ?? config.mysqlUrl;
  out.push({
    service: postgres === undefined ? 'MySQL' : 'PostgreSQL',
    address: redactMySqlUrl(url),
    host: hostOf(url),
    code: 'SINK_UNAVAILABLE',
  });
  return out;
}

/**
 * Resolves every service host once, in parallel, all within `timeoutMs`, before any driver
 * connects (see `unresolvedReasons` for why): a name that does not resolve fails the run at once
 * with one line naming the service, its address and the resolver's answer, instead of after the
 * drivers' retries.
 */
export async function checkServiceHosts(
  config: ProdRunConfig | BatchRunConfig,
  timeoutMs = HOST_LOOKUP_TIMEOUT_MS,
): Promise<void> {
  const hosts = serviceHosts(config);
  const reasons = await unresolvedReasons(
    hosts.map((h) => h.host),
    timeoutMs,
  );
  for (const [i, h] of hosts.entries()) {
    const reason = reasons[i];
    if (reason !== undefined)
      throw new HexstreamError(
        h.code,
        `cannot reach ${h.service} at ${h.address}: cannot resolve host ${h.host}: ${reason}`,
      );
  }
}

/** The URL's host, an IPv6 literal without its brackets; the URL was checked with the configuration. */
function hostOf(url: string): string {
  return new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
}
