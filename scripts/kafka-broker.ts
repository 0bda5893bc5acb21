import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';

/**
 * The project's real Kafka broker (ARCHITECTURE §6), run by `scripts/kafka.sh`: a single KRaft node
 * on 127.0.0.1 from Maven Central jars. `startOwnKafka` runs one on a free pair of ports with a data
 * dir of its own (the test suite, the bench), so a broker already on 9092 — the user's own Kafka,
 * another checkout's — is neither needed nor touched. The controller listens on `port + 1`.
 * Used by the tests (test/support/kafka-broker.ts) and by the bench, hence its place next to kafka.sh.
 */
export interface KafkaBrokerOptions {
  /** Broker listener port; default HEXSTREAM_KAFKA_PORT, else 9092. */
  readonly port?: number;
  /** Data dir (config, log dirs, pid, logs); default `<home>/data-<port>` (or HEXSTREAM_KAFKA_DATA). */
  readonly dataDir?: string;
}

export interface KafkaBroker {
  /** Bootstrap servers for a client, e.g. `127.0.0.1:9092`. */
  readonly brokers: string;
}

/** The repository's scripts/kafka.sh, found upwards from here (from the sources or from a build under .cache/). */
function findScript(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'scripts', 'kafka.sh');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return resolve(__dirname, 'kafka.sh');
  }
}

export const KAFKA_SCRIPT = findScript();

const DEFAULT_PORT = 9092;
// The first start downloads ~46 MB of jars through Maven; later starts take a few seconds.
const SCRIPT_TIMEOUT_MS = 10 * 60_000;

type KafkaCommand = 'start' | 'stop' | 'status' | 'restart' | 'kill9';

interface ScriptResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function portOf(opts: KafkaBrokerOptions): number {
  if (opts.port !== undefined) return opts.port;
  const fromEnv = Number(process.env['HEXSTREAM_KAFKA_PORT']);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_PORT;
}

function scriptEnv(opts: KafkaBrokerOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (opts.port !== undefined) {
    env['HEXSTREAM_KAFKA_PORT'] = String(opts.port);
    // A port of its own means a broker of its own: never share an inherited data dir.
    if (opts.dataDir === undefined) delete env['HEXSTREAM_KAFKA_DATA'];
  }
  if (opts.dataDir !== undefined) env['HEXSTREAM_KAFKA_DATA'] = opts.dataDir;
  return env;
}

function commandLine(opts: KafkaBrokerOptions): string {
  const vars = [
    opts.port === undefined ? '' : `HEXSTREAM_KAFKA_PORT=${opts.port} `,
    opts.dataDir === undefined ? '' : `HEXSTREAM_KAFKA_DATA=${opts.dataDir} `,
  ].join('');
  return `${vars}bash scripts/kafka.sh`;
}

function runScript(command: KafkaCommand, opts: KafkaBrokerOptions): Promise<ScriptResult> {
  return new Promise((done, fail) => {
    execFile(
      'bash',
      [KAFKA_SCRIPT, command],
      { env: scriptEnv(opts), timeout: SCRIPT_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error === null) {
          done({ code: 0, stdout, stderr });
        } else if (typeof error.code === 'number') {
          done({ code: error.code, stdout, stderr });
        } else {
          // Not an exit status: bash missing, or killed by the timeout.
          const why = error.killed ? `was killed after ${SCRIPT_TIMEOUT_MS / 1000} s` : `could not run (${error.message})`;
          fail(new Error(`\`${commandLine(opts)} ${command}\` ${why}\n${stderr.trim()}`, { cause: error }));
        }
      },
    );
  });
}

async function runOrThrow(command: KafkaCommand, opts: KafkaBrokerOptions): Promise<void> {
  const r = await runScript(command, opts);
  if (r.code === 0) return;
  const errorLine = r.stderr.split('\n').find((l) => l.startsWith('kafka.sh: error:')) ?? `exit code ${r.code}`;
  throw new Error(
    `Kafka broker for 127.0.0.1:${portOf(opts)} failed: \`${commandLine(opts)} ${command}\` → ${errorLine}\n` +
      `Run \`${commandLine(opts)} ${command}\` to see why, and \`${commandLine(opts)} logs\` for the broker log. ` +
      'It needs Java 17+ (apt-get install openjdk-17-jre-headless) and, on first use, Maven 3.8+ ' +
      '(apt-get install maven) with access to Maven Central.\n' +
      `--- script output ---\n${r.stderr.trim()}`,
  );
}

/** Starts the broker unless it runs already, and waits until it serves requests. */
export async function ensureKafka(opts: KafkaBrokerOptions = {}): Promise<KafkaBroker> {
  await runOrThrow('start', opts);
  return { brokers: `127.0.0.1:${portOf(opts)}` };
}

/** Graceful stop (SIGTERM, SIGKILL after 30 s); a no-op when it is not running. */
export async function stopKafka(opts: KafkaBrokerOptions = {}): Promise<void> {
  await runOrThrow('stop', opts);
}

/** SIGKILL at once, like a crash or a power cut of the broker process. */
export async function killKafka9(opts: KafkaBrokerOptions = {}): Promise<void> {
  await runOrThrow('kill9', opts);
}

/** Graceful stop, then start; resolves once the broker serves requests again. */
export async function restartKafka(opts: KafkaBrokerOptions = {}): Promise<KafkaBroker> {
  await runOrThrow('restart', opts);
  return { brokers: `127.0.0.1:${portOf(opts)}` };
}

export type KafkaState = 'running' | 'stopped' | 'busy';

/** What `kafka.sh status` says: exit code 0 is running, 3 stopped, 4 busy (another process serves the port). */
export async function kafkaStatus(opts: KafkaBrokerOptions = {}): Promise<{ running: boolean; state: KafkaState; line: string }> {
  const r = await runScript('status', opts);
  const line = r.stdout.trim();
  if (r.code === 0) return { running: true, state: 'running', line };
  if (r.code === 3) return { running: false, state: 'stopped', line };
  if (r.code === 4) return { running: false, state: 'busy', line };
  throw new Error(`\`${commandLine(opts)} status\` failed with exit code ${r.code}: ${r.stderr.trim()}`);
}

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
  throw new Error(`no free pair of ports (P, P+1) on 127.0.0.1 among ${tried.length} tried (${tried.slice(0, 5).join(', ')}…)`);
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
export async function startOwnKafka(options: { readonly candidates?: Iterable<number>; readonly owner?: number } = {}): Promise<OwnKafka> {
  const root = realpathSync(mkdtempSync(join(tmpdir(), OWN_PREFIX)));
  writeFileSync(join(root, 'owner'), String(options.owner ?? process.pid));
  const dataDir = join(root, 'data');
  const candidates = options.candidates?.[Symbol.iterator]();
  const pick = (): Iterable<number> | undefined => (candidates === undefined ? undefined : { [Symbol.iterator]: () => candidates });
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

const WARM_UP = 'hexstream-warm-up';
const WARM_UP_TIMEOUT_MS = 90_000;

/**
 * A new broker creates its internal topics (group offsets, transaction state) on first use and
 * until they have leaders answers "not the coordinator" — which kafkajs's consumer.run gives up on.
 * One transaction and one consumer group round trip here, so the first test finds a broker that
 * behaves like one that has run for a while.
 */
async function warmUp(brokers: string): Promise<void> {
  const kafka = new Kafka({ clientId: WARM_UP, brokers: [brokers], logLevel: logLevel.NOTHING, retry: { retries: 30, initialRetryTime: 200, maxRetryTime: 2_000 } });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: WARM_UP, numPartitions: 1 }], waitForLeaders: true });
    const producer = kafka.producer({ transactionalId: WARM_UP, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const tx = await producer.transaction();
      await tx.send({ topic: WARM_UP, messages: [{ value: 'warm' }] });
      await tx.commit();
    } finally {
      await producer.disconnect();
    }
    await consumeOne(kafka);
    await admin.deleteGroups([WARM_UP]).catch(() => undefined);
    await admin.deleteTopics({ topics: [WARM_UP] }).catch(() => undefined);
  } catch (e) {
    throw new Error(`the broker at ${brokers} started but failed its first transaction and consumer group: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Joins a group and reads the warm-up message; the first join may meet a coordinator still loading, so a failed round is tried again. */
async function consumeOne(kafka: Kafka): Promise<void> {
  const deadline = Date.now() + WARM_UP_TIMEOUT_MS;
  for (;;) {
    const consumer = kafka.consumer({ groupId: WARM_UP, retry: { retries: 5 } });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [WARM_UP], fromBeginning: true });
      await new Promise<void>((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`no message within ${WARM_UP_TIMEOUT_MS / 1000} s`)), Math.max(1, deadline - Date.now()));
        consumer.on(consumer.events.CRASH, ({ payload }) => {
          clearTimeout(timer);
          fail(payload.error);
        });
        consumer
          .run({
            eachMessage: async () => {
              clearTimeout(timer);
              done();
            },
          })
          .catch((e: unknown) => {
            clearTimeout(timer);
            fail(e);
          });
      });
      return;
    } catch (e) {
      if (Date.now() >= deadline) throw e;
      await new Promise((wait) => setTimeout(wait, 500));
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
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
    const read = (file: string): number => Number(existsSync(join(root, file)) ? readFileSync(join(root, file), 'utf8') : NaN);
    const owner = read('owner');
    const port = read('port');
    if (!Number.isSafeInteger(owner) || owner <= 0 || isAlive(owner)) continue;
    if (Number.isInteger(port)) await stopKafka({ port, dataDir: join(root, 'data') }).catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
    reaped.push(root);
  }
  return reaped;
}
