import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The project's real Kafka broker (ARCHITECTURE §6), run by `scripts/kafka.sh`: a single KRaft node
 * on 127.0.0.1 from Maven Central jars, driven by port and data dir; the controller listens on
 * `port + 1`. A broker of one's own on free ports: own-kafka.ts. Used by the tests
 * (test/support/kafka-broker.ts) and by the bench, hence its place next to kafka.sh.
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
          const why = error.killed
            ? `was killed after ${SCRIPT_TIMEOUT_MS / 1000} s`
            : `could not run (${error.message})`;
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
export async function kafkaStatus(
  opts: KafkaBrokerOptions = {},
): Promise<{ running: boolean; state: KafkaState; line: string }> {
  const r = await runScript('status', opts);
  const line = r.stdout.trim();
  if (r.code === 0) return { running: true, state: 'running', line };
  if (r.code === 3) return { running: false, state: 'stopped', line };
  if (r.code === 4) return { running: false, state: 'busy', line };
  throw new Error(`\`${commandLine(opts)} status\` failed with exit code ${r.code}: ${r.stderr.trim()}`);
}
