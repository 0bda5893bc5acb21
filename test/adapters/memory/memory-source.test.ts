import { MemorySource } from '../../../src/adapters/memory/memory-source.adapter';
import { describeSourceContract, type SourceFactory } from '../../contracts/source.contract';

function memorySource(bounded: boolean): SourceFactory {
  return async (partitions) => ({ source: new MemorySource({ partitions, bounded }), cleanup: async () => undefined });
}

describeSourceContract('MemorySource (bounded)', memorySource(true), { bounded: true });
describeSourceContract('MemorySource (unbounded)', memorySource(false), { bounded: false });
