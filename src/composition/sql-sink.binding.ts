import type { ContainerModuleLoadOptions, ResolutionContext } from 'inversify';
import type { Failpoints } from '../adapters/failpoints/failpoints';
import { MySqlSink, MySqlSinkOptions } from '../adapters/mysql/mysql-sink.adapter';
import { PostgresSink, PostgresSinkOptions } from '../adapters/postgres/postgres-sink.adapter';
import type { SqlSinkFaultInjection } from '../adapters/sql/sql-fault-injection';
import type { SinkPort } from '../ports/sink.port';

/**
 * Binds the table sink of `prod` and `batch`: PostgreSQL when a URL is given, else MySQL, with the
 * job and group whose checkpoint it keeps, and the hooks of the failpoints turned on for it (none
 * by default). Returns how to get it, for the dead-letter wrapper.
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
): (ctx: ResolutionContext) => SinkPort {
  const postgresUrl = config.postgresUrl;
  if (postgresUrl !== undefined) {
    const faults = faultInjection(failpoints, 'postgres');
    bind(PostgresSinkOptions).toConstantValue({
      url: postgresUrl,
      job: config.job.name,
      consumerGroup: config.group,
      ...faults,
    });
    bind(PostgresSink).toSelf().inSingletonScope();
    return (ctx) => ctx.get(PostgresSink);
  }
  const faults = faultInjection(failpoints, 'mysql');
  bind(MySqlSinkOptions).toConstantValue({
    url: config.mysqlUrl,
    job: config.job.name,
    consumerGroup: config.group,
    ...faults,
  });
  bind(MySqlSink).toSelf().inSingletonScope();
  return (ctx) => ctx.get(MySqlSink);
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
