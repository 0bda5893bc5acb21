import { rowRenderer } from '../../../src/adapters/encoding/row-json';
import { MemorySink } from '../../../src/adapters/memory/memory-sink.adapter';
import { describeOutputContract, describeResultStoreContract, parseJsonObject } from '../../contracts/output.contract';

/** MemorySink stores no write time: rows are rendered as if written at this instant. */
const WRITTEN_AT_MS = Date.UTC(2026, 0, 2, 3, 10, 0, 0);

function memoryStore(): {
  sink: MemorySink;
  readTable: () => Promise<Map<string, Record<string, unknown>>>;
  failNextCommit: (error: Error) => void;
  cleanup: () => Promise<void>;
} {
  const sink = new MemorySink();
  return {
    sink,
    readTable: async () => {
      const schema = sink.openedWith;
      if (schema === undefined) throw new Error('MemorySink was never opened');
      const render = rowRenderer(schema);
      return new Map([...sink.table].map(([key, row]) => [key, parseJsonObject(render(row, WRITTEN_AT_MS))]));
    },
    failNextCommit: (error) => sink.failNextCommit(error),
    cleanup: async () => undefined,
  };
}

describeResultStoreContract(
  'MemorySink',
  async () => {
    const t = memoryStore();
    return { ...t, store: t.sink };
  },
  { resumes: true, atomic: true },
);

// Its own dead-letter port stages letters into the commit, as a transaction would: exactly once.
describeOutputContract(
  'MemorySink with its staged dead letters',
  async () => {
    const t = memoryStore();
    return {
      ...t,
      output: { store: t.sink, deadLetters: t.sink.deadLetterPort },
      readDeadLetters: async () =>
        t.sink.deadLetters.map((d) => ({
          reason: d.reason,
          detail: d.detail,
          raw: d.raw,
          partition: d.partition,
          position: d.position,
        })),
    };
  },
  { resumes: true, atomic: true, letters: 'exactly-once' },
);
