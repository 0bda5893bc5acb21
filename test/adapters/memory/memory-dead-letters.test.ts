import { MemoryDeadLetters } from '../../../src/adapters/memory/memory-dead-letters.adapter';
import { describeDeadLetterContract } from '../../contracts/dead-letter.contract';

describeDeadLetterContract('MemoryDeadLetters', async () => {
  const port = new MemoryDeadLetters();
  return {
    port,
    read: async () =>
      port.letters.map((d) => ({
        reason: d.reason,
        detail: d.detail,
        raw: d.raw,
        partition: d.partition,
        position: d.position,
      })),
    cleanup: async () => undefined,
  };
});
