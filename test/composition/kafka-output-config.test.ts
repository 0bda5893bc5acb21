import { hostname } from 'node:os';
import { resolveProdConfig } from '../../src/composition/resolve-config';

const base = { email: 'ops@example.com', job: 'stock-averages' };

describe('prod --to-kafka configuration', () => {
  it('writes to the table-named topic with the shared checkpoint topic and the host name as instance id by default', () => {
    expect(resolveProdConfig({ ...base, toKafka: true }).kafkaOutput).toEqual({
      outputTopic: 'stocks_averages',
      checkpointTopic: 'hexstream-checkpoints',
      instanceId:
        hostname()
          .replace(/[^A-Za-z0-9._-]/g, '-')
          .slice(0, 100) || 'default',
    });
  });

  it('takes the topics and the instance id from their flags', () => {
    expect(
      resolveProdConfig({ ...base, toKafka: true, outputTopic: 'avgs', checkpointTopic: 'cp', instanceId: 'pod-2' })
        .kafkaOutput,
    ).toEqual({ outputTopic: 'avgs', checkpointTopic: 'cp', instanceId: 'pod-2' });
  });

  it('writes to a database when --to-kafka is not given', () => {
    expect(resolveProdConfig(base).kafkaOutput).toBeUndefined();
  });

  it.each([
    [{ outputTopic: 'x' }, '--output-topic: only with --to-kafka'],
    [{ instanceId: 'x' }, '--instance-id: only with --to-kafka or --kafka-client platformatic'],
    [{ toKafka: true, outputTopic: 'a/b' }, '--output-topic: not a valid Kafka topic name: "a/b"'],
    [{ toKafka: true, checkpointTopic: '' }, '--checkpoint-topic: not a valid Kafka topic name: ""'],
    [{ toKafka: true, instanceId: 'a b' }, '--instance-id: must match'],
    [{ toKafka: true, mysql: 'mysql://root@127.0.0.1:3306/x' }, '--mysql: not with --to-kafka'],
    [{ toKafka: true, postgres: 'postgres://u@127.0.0.1:5432/x' }, '--postgres: not with --to-kafka'],
  ])('refuses %j naming the flag', (flags, message) => {
    expect(() => resolveProdConfig({ ...base, ...flags })).toThrow(message);
  });
});

describe('prod --kafka-client configuration', () => {
  const host =
    hostname()
      .replace(/[^A-Za-z0-9._-]/g, '-')
      .slice(0, 100) || 'default';

  it('uses kafkajs, without static membership, by default', () => {
    const config = resolveProdConfig(base);
    expect({ client: config.kafkaClient, member: config.groupInstanceId }).toEqual({
      client: 'kafkajs',
      member: undefined,
    });
  });

  it('with platformatic, the instance id (default: the host name) is the static member id, with SQL sinks too', () => {
    const byDefault = resolveProdConfig({ ...base, kafkaClient: 'platformatic' });
    const named = resolveProdConfig({ ...base, kafkaClient: 'platformatic', instanceId: 'pod-3' });
    expect([byDefault.groupInstanceId, named.groupInstanceId, named.kafkaOutput]).toEqual([host, 'pod-3', undefined]);
  });

  it('with platformatic and --to-kafka, one id names both the transactional producer and the static member', () => {
    const config = resolveProdConfig({ ...base, kafkaClient: 'platformatic', toKafka: true, instanceId: 'pod-4' });
    expect([config.groupInstanceId, config.kafkaOutput?.instanceId]).toEqual(['pod-4', 'pod-4']);
  });

  it.each([
    [{ kafkaClient: 'rdkafka' }, '--kafka-client: must be kafkajs or platformatic, got "rdkafka"'],
    [{ kafkaClient: 'platformatic', instanceId: 'a b' }, '--instance-id: must match'],
  ])('refuses %j naming the flag', (flags, message) => {
    expect(() => resolveProdConfig({ ...base, ...flags })).toThrow(message);
  });
});
