import { rowRenderer } from '../../../src/adapters/encoding/row-json';
import { MemorySink } from '../../../src/adapters/memory/memory-sink.adapter';
import { describeSinkContract, parseJsonObject } from '../../contracts/sink.contract';

/** MemorySink stores no write time: rows are rendered as if written at this instant. */
const WRITTEN_AT_MS = Date.UTC(2026, 0, 2, 3, 10, 0, 0);

describeSinkContract(
  'MemorySink',
  async () => {
    const sink = new MemorySink();
    return {
      sink,
      readTable: async () => {
        const schema = sink.openedWith;
        if (schema === undefined) throw new Error('MemorySink was never opened');
        const render = rowRenderer(schema);
        return new Map([...sink.table].map(([key, row]) => [key, parseJsonObject(render(row, WRITTEN_AT_MS))]));
      },
      readDeadLetters: async () =>
        sink.deadLetters.map((d) => ({
          reason: d.reason,
          detail: d.detail,
          raw: d.raw,
          partition: d.partition,
          position: d.position,
        })),
      failNextCommit: (error) => sink.failNextCommit(error),
      cleanup: async () => undefined,
    };
  },
  { resumes: true, atomic: true },
);
