import { FailpointSource } from '../../src/adapters/failpoints/failpoint-source.adapter';
import { KafkaSource } from '../../src/adapters/kafka/kafka-source.adapter';
import { MySqlSinkOptions } from '../../src/adapters/mysql/mysql-sink.adapter';
import { PostgresSinkOptions } from '../../src/adapters/postgres/postgres-sink.adapter';
import { createContainer } from '../../src/composition/create-container';
import { resolveBatchConfig, resolveProdConfig, type RawFlags } from '../../src/composition/resolve-config';
import { SourcePort } from '../../src/ports/source.port';

const prod = (flags: RawFlags = {}): ReturnType<typeof resolveProdConfig> =>
  resolveProdConfig({ email: 'ops@example.com', ...flags });

describe('--failpoints', () => {
  it('turns no failpoint on by default', () => {
    expect(prod().failpoints).toEqual(new Map());
    expect(resolveBatchConfig({ email: 'ops@example.com', input: 'samples' }).failpoints).toEqual(new Map());
  });

  it('reads the plan of prod and batch runs', () => {
    expect(prod({ failpoints: 'mysql.before-checkpoint=kill@3' }).failpoints).toEqual(
      new Map([['mysql.before-checkpoint', { action: 'kill', onHit: 3 }]]),
    );
    expect(
      resolveBatchConfig({ email: 'ops@example.com', input: 'samples', failpoints: 'postgres.before-commit=error' })
        .failpoints,
    ).toEqual(new Map([['postgres.before-commit', { action: 'error', onHit: 1 }]]));
  });

  it('refuses a bad plan naming the flag', () => {
    expect(() => prod({ failpoints: 'mysql.before-commit=kill@x' })).toThrow(
      '--failpoints: expected name=kill|error|off[@N], got "mysql.before-commit=kill@x"',
    );
  });
});

describe('failpoint wiring', () => {
  it('builds the sink and the source without hooks when no failpoint is on', async () => {
    const container = await createContainer('prod', prod());

    expect(container.get(MySqlSinkOptions).faultInjection).toBeUndefined();
    expect(container.get(SourcePort)).toBeInstanceOf(KafkaSource);
  });

  it('gives the MySQL sink a hook for each of its points that is on, and nothing else', async () => {
    const container = await createContainer('prod', prod({ failpoints: 'mysql.before-checkpoint=kill@3' }));
    const faults = container.get(MySqlSinkOptions).faultInjection;

    expect(faults?.beforeCheckpoint).toEqual(expect.any(Function));
    expect(faults?.beforeCommit).toBeUndefined();
    expect(container.get(SourcePort)).toBeInstanceOf(KafkaSource);
  });

  it('gives the PostgreSQL sink its hooks', async () => {
    const config = prod({
      postgres: 'postgres://postgres@127.0.0.1:5432/x',
      failpoints: 'postgres.before-commit=kill',
    });
    const faults = (await createContainer('prod', config)).get(PostgresSinkOptions).faultInjection;

    expect(faults?.beforeCommit).toEqual(expect.any(Function));
    expect(faults?.beforeCheckpoint).toBeUndefined();
  });

  it('puts the offset-commit point in front of the Kafka source', async () => {
    const container = await createContainer('prod', prod({ failpoints: 'kafka.before-offset-commit=kill@2' }));

    expect(container.get(SourcePort)).toBeInstanceOf(FailpointSource);
  });

  it.each([
    [
      'prod',
      prod({ postgres: 'postgres://postgres@127.0.0.1:5432/x', failpoints: 'mysql.before-commit=kill' }),
      '--failpoints: mysql.before-commit is not on the path of this run (prod, PostgreSQL)',
    ],
    [
      'prod',
      prod({
        job: 'stock-averages',
        toKafka: true,
        failpoints: 'mysql.before-commit=kill;postgres.before-commit=kill',
      }),
      '--failpoints: mysql.before-commit, postgres.before-commit are not on the path of this run (prod, rows to Kafka)',
    ],
    [
      'batch',
      resolveBatchConfig({ email: 'ops@example.com', input: 'samples', failpoints: 'kafka.before-offset-commit=kill' }),
      '--failpoints: kafka.before-offset-commit is not on the path of this run (batch, MySQL)',
    ],
  ] as const)('refuses a point the %s run never reaches', async (mode, config, message) => {
    await expect(createContainer(mode, config)).rejects.toMatchObject({ code: 'CONFIG_INVALID', message });
  });
});
