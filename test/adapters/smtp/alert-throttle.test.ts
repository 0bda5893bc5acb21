import { AlertThrottle } from '../../../src/adapters/smtp/alert-throttle';

const MINUTE = 60_000;

describe('AlertThrottle', () => {
  it('admits the first alert, counts the ones within the interval and hands the count to the next', () => {
    const throttle = new AlertThrottle(5 * MINUTE);
    expect(throttle.admit('k', 0)).toMatchObject({ suppressed: 0, since: undefined });
    expect(throttle.admit('k', MINUTE)).toBeUndefined();
    expect(throttle.admit('k', 5 * MINUTE - 1)).toBeUndefined();
    expect(throttle.admit('k', 5 * MINUTE)).toMatchObject({ suppressed: 2, since: MINUTE });
    expect(throttle.admit('k', 6 * MINUTE)).toBeUndefined();
  });

  it('lets only one of two concurrent alerts out: the slot is taken on admission', () => {
    const throttle = new AlertThrottle(MINUTE);
    const first = throttle.admit('k', 0);
    expect(first).toBeDefined();
    expect(throttle.admit('k', 0)).toBeUndefined();
  });

  it('gives the slot back after a failed delivery, keeping every count', () => {
    const throttle = new AlertThrottle(MINUTE);
    throttle.admit('k', 0);
    throttle.admit('k', 10); // counted
    const failing = throttle.admit('k', MINUTE);
    expect(failing).toMatchObject({ suppressed: 1, since: 10 });
    throttle.admit('k', MINUTE + 5); // counted while the failing one was in flight
    failing?.release();
    expect(throttle.admit('k', MINUTE + 6)).toMatchObject({ suppressed: 2, since: 10 });
  });

  it('keeps the count of a failed delivery when another alert went out meanwhile', () => {
    const throttle = new AlertThrottle(MINUTE);
    throttle.admit('k', 0);
    throttle.admit('k', 10);
    const slow = throttle.admit('k', MINUTE);
    const later = throttle.admit('k', 2 * MINUTE); // the interval passed while `slow` was in flight
    expect(later).toMatchObject({ suppressed: 0 });
    slow?.release();
    expect(throttle.admit('k', 3 * MINUTE)).toMatchObject({ suppressed: 1, since: 10 });
  });

  it('keeps keys apart', () => {
    const throttle = new AlertThrottle(MINUTE);
    expect(throttle.admit('a', 0)).toBeDefined();
    expect(throttle.admit('b', 0)).toBeDefined();
    expect(throttle.admit('a', 1)).toBeUndefined();
  });

  it('admits at once when the clock went backwards', () => {
    const throttle = new AlertThrottle(MINUTE);
    throttle.admit('k', 10 * MINUTE);
    expect(throttle.admit('k', MINUTE)).toBeDefined();
  });

  it('never suppresses with an interval of 0', () => {
    const throttle = new AlertThrottle(0);
    expect(throttle.admit('k', 0)).toBeDefined();
    expect(throttle.admit('k', 0)).toBeDefined();
  });
});
