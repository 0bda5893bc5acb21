import type { ContainerModuleLoadOptions, ResolutionContext } from 'inversify';
import { MySqlSink, MySqlSinkOptions } from '../adapters/mysql/mysql-sink.adapter';
import { PostgresSink, PostgresSinkOptions } from '../adapters/postgres/postgres-sink.adapter';
import type { SinkPort } from '../ports/sink.port';

/**
 * Binds the table sink of `prod` and `batch`: PostgreSQL when a URL is given, else MySQL, with the
 * job and group whose checkpoint it keeps. Returns how to get it, for the dead-letter wrapper.
 */
export function bindSqlSink(
  bind: ContainerModuleLoadOptions['bind'],
  config: { readonly job: { readonly name: string }; readonly group: string; readonly mysqlUrl: string; readonly postgresUrl: string | undefined },
): (ctx: ResolutionContext) => SinkPort {
  const postgresUrl = config.postgresUrl;
  if (postgresUrl !== undefined) {
    bind(PostgresSinkOptions).toConstantValue({ url: postgresUrl, job: config.job.name, consumerGroup: config.group });
    bind(PostgresSink).toSelf().inSingletonScope();
    return (ctx) => ctx.get(PostgresSink);
  }
  bind(MySqlSinkOptions).toConstantValue({ url: config.mysqlUrl, job: config.job.name, consumerGroup: config.group });
  bind(MySqlSink).toSelf().inSingletonScope();
  return (ctx) => ctx.get(MySqlSink);
}
