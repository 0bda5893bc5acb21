import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import {
  ensureKafka,
  freePortPair,
  kafkaStatus,
  killKafka9,
  portIsFree,
  reapOrphanKafkas,
  startOwnKafka,
  stopKafka,
  type KafkaBrokerOptions,
  type OwnKafka,
} from '../support/kafka-broker';
import { isIpv4Loopback, listeningSocketsOf } from '../support/listening-sockets';

// A throwaway broker of its own on a free port, so a broker on 9092 is neither needed nor touched.
const TIMEOUT_MS = 240_000;
const TOPIC = 'kafka-script-test';
const MESSAGES = 100;

let dataDir = '';
let opts: KafkaBrokerOptions = {};
let own: OwnKafka | undefined;

/** Pids of broker JVMs whose command line names this test's data dir. */
function brokerPids(): number[] {
  const pattern = `kafka\\.Kafka ${join(dataDir, 'server.properties').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
  try {
    return execFileSync('pgrep', ['-f', '--', pattern], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map(Number);
  } catch (e) {
    // pgrep exits 1 when nothing matches. (No `instanceof Error`: child_process errors come from
    // outside jest's sandbox realm.)
    if (typeof e === 'object' && e !== null && 'status' in e && e.status === 1) return [];
    throw e;
  }
}

function client(brokers: string): Kafka {
  return new Kafka({ clientId: 'kafka-script-test', brokers: [brokers], logLevel: logLevel.NOTHING });
}

async function produceAndConsume(brokers: string): Promise<Map<string, string>> {
  const kafka = client(brokers);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3 }], waitForLeaders: true });
    const meta = await admin.fetchTopicMetadata({ topics: [TOPIC] });
    expect(meta.topics[0]?.partitions).toHaveLength(3);
  } finally {
    await admin.disconnect();
  }

  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const messages = Array.from({ length: MESSAGES }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));
    await producer.send({ topic: TOPIC, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }

  const received = new Map<string, string>();
  const partitions = new Set<number>();
  let duplicates = 0;
  const consumer = kafka.consumer({ groupId: `kafka-script-test-${process.pid}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(
        () => fail(new Error(`consumed ${received.size} of ${MESSAGES} messages in 60 s`)),
        60_000,
      );
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            const key = message.key?.toString() ?? '';
            if (received.has(key)) duplicates += 1;
            received.set(key, message.value?.toString() ?? '');
            partitions.add(partition);
            if (received.size === MESSAGES) {
              clearTimeout(timer);
              done();
            }
          },
        })
        .catch(fail);
    });
  } finally {
    await consumer.disconnect();
  }
  expect(duplicates).toBe(0);
  expect(partitions.size).toBe(3);
  return received;
}

/** A dummy server on 127.0.0.1 (`port` 0: any free port), like another program holding a port. */
function listenOn(port: number): Promise<{ port: number; close(): Promise<void> }> {
  return new Promise((done, fail) => {
    const server: Server = createServer((socket) => socket.destroy());
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () =>
      done({
        port: (server.address() as AddressInfo).port,
        close: () => new Promise((closed) => server.close(() => closed())),
      }),
    );
  });
}

afterAll(async () => {
  await own?.stop();
  // stop() removes the broker's whole temp dir.
  if (dataDir !== '') expect(existsSync(join(dataDir, '..'))).toBe(false);
}, TIMEOUT_MS);

describe('free ports for a broker of its own', () => {
  it('passes over a port another process listens on, and a port whose next port (the controller) is taken', async () => {
    const busy = await listenOn(0);
    try {
      const free = await freePortPair([busy.port, busy.port - 1, busy.port + 2, busy.port + 4]);
      // busy.port + 2 might be taken by chance on a shared machine; then + 4 must be free.
      const expected =
        (await portIsFree(busy.port + 2)) && (await portIsFree(busy.port + 3)) ? busy.port + 2 : busy.port + 4;
      expect(free).toBe(expected);
    } finally {
      await busy.close();
    }
  });

  it('fails with a message when no candidate is free', async () => {
    const busy = await listenOn(0);
    try {
      await expect(freePortPair([busy.port, busy.port - 1])).rejects.toThrow(
        `no free pair of ports (P, P+1) on 127.0.0.1 among 2 tried (${busy.port}, ${busy.port - 1}…)`,
      );
    } finally {
      await busy.close();
    }
  });
});

describe('brokers left behind by an interrupted run', () => {
  it('removes the dir of a broker whose owner process is gone, and leaves one whose owner lives', async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    const port = await freePortPair();
    const orphan = realpathSync(mkdtempSync(join(tmpdir(), 'hexstream-own-kafka-')));
    const alive = realpathSync(mkdtempSync(join(tmpdir(), 'hexstream-own-kafka-')));
    try {
      for (const [dir, owner] of [
        [orphan, gone],
        [alive, process.pid],
      ] as const) {
        mkdirSync(join(dir, 'data'));
        writeFileSync(join(dir, 'owner'), String(owner));
        writeFileSync(join(dir, 'port'), String(port));
      }
      const reaped = await reapOrphanKafkas();
      expect({ orphan: reaped.includes(orphan), alive: reaped.includes(alive) }).toEqual({
        orphan: true,
        alive: false,
      });
      expect({ orphan: existsSync(orphan), alive: existsSync(alive) }).toEqual({ orphan: false, alive: true });
    } finally {
      rmSync(orphan, { recursive: true, force: true });
      rmSync(alive, { recursive: true, force: true });
    }
  });
});

describe('scripts/kafka.sh status', () => {
  it('says busy (exit 4) when another process serves the port, stopped (exit 3) when nothing does', async () => {
    const busy = await listenOn(0);
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'hexstream-status-')));
    try {
      const options = { port: busy.port, dataDir: dir };
      expect(await kafkaStatus(options)).toEqual({
        running: false,
        state: 'busy',
        line: `busy (127.0.0.1:${busy.port} is served by another process, not by the broker of data ${dir}; see: ss -ltnp 'sport = :${busy.port}')`,
      });
      await busy.close();
      expect(await kafkaStatus(options)).toEqual({
        running: false,
        state: 'stopped',
        line: `stopped (127.0.0.1:${busy.port}, data ${dir})`,
      });
    } finally {
      await busy.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('scripts/kafka.sh', () => {
  it(
    'starts a broker of its own elsewhere when the first port picked is busy, and it takes a 3-partition topic and gives back exactly the 100 messages written',
    async () => {
      const busy = await listenOn(0);
      try {
        own = await startOwnKafka({
          candidates: [
            busy.port,
            ...Array.from({ length: 50 }, (_, i) => 20_000 + Math.floor(Math.random() * 12_000) + i),
          ],
        });
      } finally {
        await busy.close();
      }
      opts = own.options;
      dataDir = own.dataDir;
      expect(own.port).not.toBe(busy.port);
      expect(opts).toEqual({ port: own.port, dataDir: own.dataDir });
      const brokers = own.brokers;
      expect(brokers).toBe(`127.0.0.1:${own.port}`);

      const received = await produceAndConsume(brokers);
      expect(received).toEqual(new Map(Array.from({ length: MESSAGES }, (_, i) => [`k${i}`, `v${i}`])));

      const status = await kafkaStatus(opts);
      expect(status.running).toBe(true);
      expect(status.line).toMatch(/^running /);
    },
    TIMEOUT_MS,
  );

  it('the broker listens on 127.0.0.1 only: its broker port and its controller port, nothing else', async () => {
    const [pid] = brokerPids();
    expect(brokerPids()).toHaveLength(1);
    const sockets = listeningSocketsOf(pid ?? -1);
    expect(sockets.map((s) => ({ loopback: isIpv4Loopback(s.address), port: s.port }))).toEqual([
      { loopback: true, port: own?.port },
      { loopback: true, port: (own?.port ?? NaN) + 1 },
    ]);
  });

  it(
    'start is idempotent: a second start leaves the one running broker alone',
    async () => {
      await ensureKafka(opts);
      const before = brokerPids();
      expect(before).toHaveLength(1);
      await ensureKafka(opts);
      expect(brokerPids()).toEqual(before);
    },
    TIMEOUT_MS,
  );

  it(
    'kill9 ends the broker at once and a new start finds the data written before',
    async () => {
      await killKafka9(opts);
      expect(brokerPids()).toEqual([]);
      expect((await kafkaStatus(opts)).running).toBe(false);

      const { brokers } = await ensureKafka(opts);
      const admin = client(brokers).admin();
      await admin.connect();
      try {
        const offsets = await admin.fetchTopicOffsets(TOPIC);
        expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(MESSAGES);
      } finally {
        await admin.disconnect();
      }
    },
    TIMEOUT_MS,
  );

  it(
    'stop ends the broker and leaves no java process on its data dir',
    async () => {
      await stopKafka(opts);
      const status = await kafkaStatus(opts);
      expect(status.running).toBe(false);
      expect(status.line).toMatch(/^stopped /);
      expect(brokerPids()).toEqual([]);

      await stopKafka(opts); // stopping a stopped broker is a no-op
    },
    TIMEOUT_MS,
  );
});
