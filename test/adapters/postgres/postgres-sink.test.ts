import 'reflect-metadata';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { PostgresSink } from '../../../src/adapters/postgres/postgres-sink.adapter';
import { aggOrderWindowTable } from '../../../src/domain/jobs/orders.job';
import { storeCommitOf } from '../../../src/domain/pipeline/pipeline-output';
import type { StoreCommit } from '../../../src/ports/result-store.port';
import { describeResultStoreContract } from '../../contracts/output.contract';
import { createTestPgDatabase, POSTGRES_URL_BASE } from '../../support/postgres';
import { readRendered } from './postgres-test-kit';

describeResultStoreContract(
  'PostgresSink',
  async () => {
    const db = await createTestPgDatabase();
    let failure: Error | undefined;
    const sink = new PostgresSink({
      url: db.url,
      job: 'orders',
      consumerGroup: 'contract',
      faultInjection: {
        beforeCheckpoint: () => {
          const error = failure;
          failure = undefined;
          if (error !== undefined) throw error;
        },
      },
    });
    return {
      store: sink,
      readTable: () => readRendered(db, aggOrderWindowTable),
      failNextCommit: (error) => {
        failure = error;
      },
      cleanup: async () => {
        await sink.close();
        await db.drop();
      },
    };
  },
  { resumes: true, atomic: true },
);

/** A trigger that only moves partition 0 to `next`. */
function trigger(sequence: number, next: number): StoreCommit {
  return storeCommitOf({
    sequence,
    rows: [],
    deadLetters: [],
    positions: new Map([[0, next]]),
    watermarks: new Map([[0, 1_000]]),
    closedUpToMs: -Infinity,
    checkpoint: {
      partitions: new Map([
        [
          0,
          {
            nextPosition: next,
            watermarkMs: 1_000,
            replayFrom: 0,
            replayMaxEventMs: -Infinity,
            closedUpToMs: -Infinity,
          },
        ],
      ]),
    },
  });
}

describe('PostgresSink', () => {
  it('fences a second instance that commits a partition another instance moved', async () => {
    const db = await createTestPgDatabase();
    const a = new PostgresSink({ url: db.url, job: 'orders', consumerGroup: 'g' });
    const b = new PostgresSink({ url: db.url, job: 'orders', consumerGroup: 'g' });
    try {
      await a.open(aggOrderWindowTable);
      await b.open(aggOrderWindowTable);
      await a.commit(trigger(0, 5));
      await expect(b.commit(trigger(0, 7))).rejects.toMatchObject({ code: 'SINK_FENCED' });
      await a.commit(trigger(1, 9));
      expect(await db.query('SELECT partition_id, next_position::int AS n FROM hexstream_checkpoint')).toEqual([
        { partition_id: 0, n: 9 },
      ]);
    } finally {
      await a.close();
      await b.close();
      await db.drop();
    }
  });

  it('fails with SINK_UNAVAILABLE, naming the server without its password, when nothing listens', async () => {
    const sink = new PostgresSink({
      url: 'postgres://u:secret@127.0.0.1:9/db',
      job: 'orders',
      consumerGroup: 'g',
      connectTimeoutMs: 2_000,
    });
    const error = await sink.open(aggOrderWindowTable).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SINK_UNAVAILABLE' });
    expect(String((error as Error).message)).not.toContain('secret');
  });

  it('reports a connection cut mid-stream (no server message) as SINK_UNAVAILABLE, and works again once it is back', async () => {
    const db = await createTestPgDatabase();
    const server = new URL(POSTGRES_URL_BASE);
    const proxy = await cuttableProxy(server.hostname, Number(server.port));
    const url = new URL(db.url);
    url.port = String(proxy.port);
    const sink = new PostgresSink({
      url: url.toString(),
      job: 'orders',
      consumerGroup: 'g',
      maxRetries: 1,
      retryBaseMs: 10,
    });
    try {
      await sink.open(aggOrderWindowTable);
      await sink.commit(trigger(0, 5));
      // Every connection is closed as soon as the client speaks: pg says "Connection terminated unexpectedly", with no code.
      proxy.cut(true);
      const error = await sink.commit(trigger(1, 7)).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'SINK_UNAVAILABLE' });
      expect(String((error as Error).message)).toMatch(
        /^cannot reach PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:\d+\/\w+ to commit trigger 1 to agg_order_window \(2 attempts\): Connection terminated unexpectedly$/,
      );
      proxy.cut(false);
      await sink.commit(trigger(1, 7));
      expect(await db.query('SELECT next_position::int AS n FROM hexstream_checkpoint')).toEqual([{ n: 7 }]);
    } finally {
      await sink.close();
      await proxy.close();
      await db.drop();
    }
  });
});

/** A TCP proxy to host:port that can cut every connection (and each new one at its first byte), as a server crash or a dropped network does. */
async function cuttableProxy(
  host: string,
  port: number,
): Promise<{ port: number; cut(on: boolean): void; close(): Promise<void> }> {
  let cutting = false;
  const pairs = new Set<[Socket, Socket]>();
  const server = createServer((client) => {
    const upstream = connect(port, host);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    client.on('data', (d: Buffer) => (cutting ? end() : upstream.write(d)));
    upstream.on('data', (d: Buffer) => (cutting ? end() : client.write(d)));
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    cut: (on) => {
      cutting = on;
    },
    close: () => {
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
