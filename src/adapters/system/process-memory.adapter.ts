import { injectable } from 'inversify';
import type { MemoryUsage, MemoryUsagePort } from '../../ports/memory-usage.port';

const MB = 2 ** 20;

/** This process's memory, from Node's own counters. */
@injectable()
export class ProcessMemory implements MemoryUsagePort {
  now(): MemoryUsage {
    const m = process.memoryUsage();
    return { rssMb: Math.round(m.rss / MB), heapUsedMb: Math.round(m.heapUsed / MB) };
  }

  peakRssMb(): number {
    // maxRSS is in kilobytes; it never decreases, unlike a sampled rss.
    return Math.round(process.resourceUsage().maxRSS / 1024);
  }
}
