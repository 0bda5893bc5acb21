import { resolveProdConfig, type RawFlags } from '../../src/composition/resolve-config';

const prod = (flags: RawFlags = {}): ReturnType<typeof resolveProdConfig> =>
  resolveProdConfig({ email: 'ops@example.com', ...flags });

describe('--progress-interval', () => {
  it('logs progress every 5 s by default, or as often as the flag says', () => {
    expect(prod().progressIntervalMs).toBe(5_000);
    expect(prod({ progressInterval: '500ms' }).progressIntervalMs).toBe(500);
  });

  it.each([
    ['0', '--progress-interval: must be longer than 0'],
    [
      'often',
      '--progress-interval: invalid duration "often": write a number and a unit: 500ms, 10s, 1.5s, 2m, 1h, 1d (or 0)',
    ],
  ])('refuses %j', (value, message) => {
    expect(() => prod({ progressInterval: value })).toThrow(message);
  });
});
