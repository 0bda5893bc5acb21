import { MemoryFeedSink } from '../../../src/adapters/memory/feed-memory-sink.adapter';
import { describeFeedSinkContract } from '../../contracts/feed-sink.contract';

describeFeedSinkContract('MemoryFeedSink', { keepsKeyAndTimestamp: true }, async () => {
  const sink = new MemoryFeedSink();
  return {
    sink,
    read: async () => ({
      messages: sink.messages.map((m) => ({ key: m.key, value: m.value, timestampMs: m.timestampMs })),
      deadLetters: sink.deadLetters.map((d) => ({ ...d })),
    }),
    cleanup: async () => undefined,
  };
});
