import type { ContainerModuleLoadOptions } from 'inversify';
import type { Failpoints } from '../adapters/failpoints/failpoints';
import { MySqlSink, MySqlSinkOptions } from '../adapters/mysql/mysql-sink.adapter';
import { PostgresSink, PostgresSinkOptions } from '../adapters/postgres/postgres-sink.adapter';
import type { SqlSinkFaultInjection } from '../adapters/sql/sql-fault-injection';
import { ResultStorePort } from '../ports/result-store.port';

/**
 * Binds the result store of `prod` and `batch`: PostgreSQL when a URL is given, else MySQL, with
 * the job and group whose checkpoint it keeps, and the hooks of the failpoints turned on for it
 * (none by default).
 */
export function bindSqlSink(
  bind: ContainerModuleLoadOptions['bind'],
  config: {
    readonly job: { readonly name: string };
    readonly group: string;
    readonly mysqlUrl: string;
    readonly postgresUrl: string | undefined;
  },
  failpoints: Failpoints,
): void {
  const postgresUrl = config.postgresUrl;
  if (postgresUrl !== undefined) {
    const faults = faultInjection(failpoints, 'postgres');
    bind(PostgresSinkOptions).toConstantValue({
      url: postgresUrl,
      job: config.job.name,
      consumerGroup: config.group,
      ...faults,
    });
    bind(ResultStorePort).to(PostgresSink).inSingletonScope();
    return;
  }
  const faults = faultInjection(failpoints, 'mysql');
  bind(MySqlSinkOptions).toConstantValue({
    url: config.mysqlUrl,
    job: config.job.name,
    consumerGroup: config.group,
    ...faults,
  });
  bind(ResultStorePort).to(MySqlSink).inSingletonScope();
}

/** `{ faultInjection }` with the database's failpoints that are on, or nothing when none is. */
function faultInjection(
  failpoints: Failpoints,
  database: 'mysql' | 'postgres',
): { faultInjection?: SqlSinkFaultInjection } {
  const beforeCheckpoint = failpoints.hook(`${database}.before-checkpoint`);
  const beforeCommit = failpoints.hook(`${database}.before-commit`);
  if (beforeCheckpoint === undefined && beforeCommit === undefined) return {};
  return {
    faultInjection: {
      ...(beforeCheckpoint !== undefined ? { beforeCheckpoint } : {}),
      ...(beforeCommit !== undefined ? { beforeCommit } : {}),
    },
  };
}
