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
    [{ instanceId: 'x' }, '--instance-id: only with --to-kafka'],
    [{ toKafka: true, outputTopic: 'a/b' }, '--output-topic: not a valid Kafka topic name: "a/b"'],
    [{ toKafka: true, checkpointTopic: '' }, '--checkpoint-topic: not a valid Kafka topic name: ""'],
    [{ toKafka: true, instanceId: 'a b' }, '--instance-id: must match'],
    [{ toKafka: true, mysql: 'mysql://root@127.0.0.1:3306/x' }, '--mysql: not with --to-kafka'],
    [{ toKafka: true, postgres: 'postgres://u@127.0.0.1:5432/x' }, '--postgres: not with --to-kafka'],
  ])('refuses %j naming the flag', (flags, message) => {
    expect(() => resolveProdConfig({ ...base, ...flags })).toThrow(message);
  });
});
