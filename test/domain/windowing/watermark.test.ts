import { PartitionWatermark } from '../../../src/domain/windowing/watermark';

describe('PartitionWatermark', () => {
  it('starts at -Infinity with no event seen', () => {
    const w = new PartitionWatermark(10_000);
    expect(w.current()).toBe(-Infinity);
    expect(w.maxEventTime()).toBe(-Infinity);
    expect(w.isEnded()).toBe(false);
  });

  it('is the highest event time seen minus the delay', () => {
    const w = new PartitionWatermark(10_000);
    w.observe(1_700_000_060_000);
    expect(w.current()).toBe(1_700_000_050_000);
    expect(w.maxEventTime()).toBe(1_700_000_060_000);
  });

  it('gives the previous value when read before observing a record (check before advance)', () => {
    // The diagram in watermark.ts: delay 5, records 10, 25, 12.
    const w = new PartitionWatermark(5);
    const checkedAgainst: number[] = [];
    const after: number[] = [];
    for (const t of [10, 25, 12]) {
      checkedAgainst.push(w.current());
      w.observe(t);
      after.push(w.current());
    }
    expect(checkedAgainst).toEqual([-Infinity, 5, 20]);
    expect(after).toEqual([5, 20, 20]);
  });

  it('never moves back on an older event', () => {
    const w = new PartitionWatermark(1_000);
    w.observe(50_000);
    w.observe(10_000);
    w.observe(49_999);
    expect(w.current()).toBe(49_000);
    expect(w.maxEventTime()).toBe(50_000);
  });

  it('works with a zero delay', () => {
    const w = new PartitionWatermark(0);
    w.observe(42);
    expect(w.current()).toBe(42);
  });

  it('advances to a given watermark, as for an idle partition', () => {
    const w = new PartitionWatermark(10_000);
    w.observe(100_000);
    w.advanceTo(95_000);
    expect(w.current()).toBe(95_000);
    expect(w.maxEventTime()).toBe(105_000);
  });

  it('advances from -Infinity when nothing was seen yet', () => {
    const w = new PartitionWatermark(10_000);
    w.advanceTo(60_000);
    expect(w.current()).toBe(60_000);
  });

  it('does not move back when advanced to an older watermark', () => {
    const w = new PartitionWatermark(10_000);
    w.observe(100_000);
    w.advanceTo(80_000);
    expect(w.current()).toBe(90_000);
  });

  it('is not pulled back by an event older than an advanced watermark', () => {
    const w = new PartitionWatermark(10_000);
    w.advanceTo(200_000);
    w.observe(150_000);
    expect(w.current()).toBe(200_000);
  });

  it('is +Infinity once the partition ended, whatever comes after', () => {
    const w = new PartitionWatermark(10_000);
    w.observe(100_000);
    w.end();
    expect(w.current()).toBe(Infinity);
    expect(w.isEnded()).toBe(true);
    w.observe(500_000);
    w.advanceTo(1_000);
    expect(w.current()).toBe(Infinity);
  });

  it('ends at +Infinity even with no event seen', () => {
    const w = new PartitionWatermark(10_000);
    w.end();
    expect(w.current()).toBe(Infinity);
  });

  it('restores the highest event time from saved state', () => {
    const w = new PartitionWatermark(10_000);
    w.restore(1_700_000_000_000);
    expect(w.current()).toBe(1_699_999_990_000);
    w.observe(1_699_000_000_000);
    expect(w.current()).toBe(1_699_999_990_000);
  });
});
