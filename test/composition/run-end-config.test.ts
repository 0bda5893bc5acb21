import {
  resolveBatchConfig,
  resolveProdConfig,
  resolveTestConfig,
  type RawFlags,
} from '../../src/composition/resolve-config';
import { pipelineSettings } from '../../src/composition/core.module';

const prod = (flags: RawFlags = {}): ReturnType<typeof resolveProdConfig> =>
  resolveProdConfig({ email: 'ops@example.com', ...flags });

describe('--idle-timeout', () => {
  it('is 30 s by default, 0 makes a partition idle at once, off never', () => {
    expect(prod().idleTimeoutMs).toBe(30_000);
    expect(prod({ idleTimeout: '0' }).idleTimeoutMs).toBe(0);
    expect(prod({ idleTimeout: '2m' }).idleTimeoutMs).toBe(120_000);
    expect(prod({ idleTimeout: 'off' }).idleTimeoutMs).toBe(Number.POSITIVE_INFINITY);
    expect(resolveTestConfig({ email: 'ops@example.com', idleTimeout: 'off' }, 'samples').idleTimeoutMs).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  it('names the flag for anything else', () => {
    expect(() => prod({ idleTimeout: 'never' })).toThrow(
      '--idle-timeout: invalid duration "never": write a number and a unit: 500ms, 10s, 1.5s, 2m, 1h, 1d (or 0), or off (never idle)',
    );
  });
});

describe('--at-end', () => {
  it('keeps the open windows of a bounded prod run by default, flushes them when asked, and reaches the pipeline', () => {
    expect(prod({ bounded: true }).atEnd).toBe('keep');
    expect(pipelineSettings(prod({ bounded: true })).atEnd).toBe('keep');
    expect(pipelineSettings(prod({ bounded: true, atEnd: 'flush' }))).toMatchObject({
      onStop: 'checkpoint',
      atEnd: 'flush',
    });
  });

  it('leaves test and batch as they are: they flush at the end of their input', () => {
    expect(pipelineSettings(resolveTestConfig({ email: 'ops@example.com' }, 'samples')).onStop).toBe('flush');
    expect(
      pipelineSettings(resolveBatchConfig({ email: 'ops@example.com', input: 'samples/orders.jsonl' })).onStop,
    ).toBe('flush-at-end');
  });

  it.each([
    [{ bounded: true, atEnd: 'drop' }, '--at-end: must be flush or keep, got "drop"'],
    [
      { atEnd: 'flush' },
      '--at-end: only with --bounded: an unbounded run has no end of input (a stop keeps the open windows for the next run)',
    ],
  ] as Array<[RawFlags, string]>)('refuses %j', (flags, message) => {
    expect(() => prod(flags)).toThrow(message);
  });
});
