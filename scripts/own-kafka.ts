import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureKafka, stopKafka, type KafkaBroker, type KafkaBrokerOptions } from './kafka-broker';
import { warmUp } from './kafka-warm-up';

/*
 * A broker of one's own (the test suite, the bench, tests that kill a broker): on a free pair of
 * ports with a fresh data dir, so a broker already on 9092 — the user's own Kafka, another
 * checkout's — is neither needed nor touched.
 */

/** Whether a server may bind 127.0.0.1:`port` now (nothing listens there). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => done(true)));
  });
}

/**
 * Ports to try, at random below Linux's ephemeral range (32768–60999), so that a port picked here is
 * not handed out meanwhile to an outgoing connection as its local port.
 */
function* randomPorts(count: number): Generator<number> {
  for (let i = 0; i < count; i++) yield 20_000 + Math.floor(Math.random() * 12_000);
}

/** The first port P of `candidates` with P and P + 1 free (a broker's listener and its controller). */
export async function freePortPair(candidates: Iterable<number> = randomPorts(100)): Promise<number> {
  const tried: number[] = [];
  // Stepped by hand: a for-of would close a shared iterator on return, and the next pick needs it.
  const it = candidates[Symbol.iterator]();
  for (let next = it.next(); next.done !== true; next = it.next()) {
    const port = next.value;
    if (!Number.isInteger(port) || port < 1 || port > 65_533) continue;
    tried.push(port);
    if ((await portIsFree(port)) && (await portIsFree(port + 1))) return port;
  }
  throw new Error(
    `no free pair of ports (P, P+1) on 127.0.0.1 among ${tried.length} tried (${tried.slice(0, 5).join(', ')}…)`,
  );
}

/** A broker of its own: stop() ends it and removes its data dir. */
export interface OwnKafka extends KafkaBroker {
  readonly port: number;
  readonly dataDir: string;
  /** For ensureKafka / killKafka9 / kafkaStatus on this broker. */
  readonly options: KafkaBrokerOptions;
  stop(): Promise<void>;
}

/** Temp dirs of brokers started by `startOwnKafka`: `<tmp>/hexstream-own-kafka-XXXXXX/{data,owner,port}`. */
const OWN_PREFIX = 'hexstream-own-kafka-';
const START_ATTEMPTS = 3;

/**
 * Starts a broker on a free pair of ports with a fresh data dir under the temp dir (the jars come
 * from HEXSTREAM_KAFKA_HOME, fetched once). A port taken between the pick and the start (kafka.sh:
 * "port busy") gets another pick, at most 3 in all. The dir records the owning process, so that
 * `reapOrphanKafkas` can stop a broker whose owner died without stopping it (e.g. Ctrl-C).
 */
export async function startOwnKafka(
  options: { readonly candidates?: Iterable<number>; readonly owner?: number } = {},
): Promise<OwnKafka> {
  const root = realpathSync(mkdtempSync(join(tmpdir(), OWN_PREFIX)));
  writeFileSync(join(root, 'owner'), String(options.owner ?? process.pid));
  const dataDir = join(root, 'data');
  const candidates = options.candidates?.[Symbol.iterator]();
  const pick = (): Iterable<number> | undefined =>
    candidates === undefined ? undefined : { [Symbol.iterator]: () => candidates };
  try {
    for (let attempt = 1; ; attempt++) {
      const port = await freePortPair(pick());
      writeFileSync(join(root, 'port'), String(port));
      const opts: KafkaBrokerOptions = { port, dataDir };
      try {
        await ensureKafka(opts);
      } catch (e) {
        if (attempt < START_ATTEMPTS && e instanceof Error && e.message.includes('port busy')) continue;
        throw e;
      }
      const brokers = `127.0.0.1:${port}`;
      await warmUp(brokers);
      return { brokers, port, dataDir, options: opts, stop: () => stopOwnKafka(root, opts) };
    }
  } catch (e) {
    rmSync(root, { recursive: true, force: true });
    throw e;
  }
}

async function stopOwnKafka(root: string, opts: KafkaBrokerOptions): Promise<void> {
  try {
    await stopKafka(opts);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: alive, owned by another user.
    return typeof e === 'object' && e !== null && 'code' in e && e.code === 'EPERM';
  }
}

/**
 * Stops the brokers `startOwnKafka` left behind for owners that are gone, and removes their dirs;
 * returns the dirs removed. Brokers of live owners (another test run at the same time) are left alone.
 */
export async function reapOrphanKafkas(): Promise<string[]> {
  const reaped: string[] = [];
  for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith(OWN_PREFIX))) {
    const root = join(tmpdir(), name);
    const read = (file: string): number =>
      Number(existsSync(join(root, file)) ? readFileSync(join(root, file), 'utf8') : NaN);
    const owner = read('owner');
    const port = read('port');
    if (!Number.isSafeInteger(owner) || owner <= 0 || isAlive(owner)) continue;
    if (Number.isInteger(port)) await stopKafka({ port, dataDir: join(root, 'data') }).catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
    reaped.push(root);
  }
  return reaped;
}
