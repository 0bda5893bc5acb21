import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * The project's real Kafka broker (ARCHITECTURE §6), run by `scripts/kafka.sh`: a single KRaft node
 * on 127.0.0.1 from Maven Central jars. Tests that need a broker of their own (crash and restart
 * tests) pass a `port` and a throwaway `dataDir`; the controller then listens on `port + 1`.
 */
export interface KafkaBrokerOptions {
  /** Broker listener port; default 9092 (or HEXSTREAM_KAFKA_PORT). */
  readonly port?: number;
  /** Data dir (config, log dirs, pid, logs); default `<home>/data-<port>` (or HEXSTREAM_KAFKA_DATA). */
  readonly dataDir?: string;
}

export interface KafkaBroker {
  /** Bootstrap servers for a client, e.g. `127.0.0.1:9092`. */
  readonly brokers: string;
}

export const KAFKA_SCRIPT = resolve(__dirname, '..', '..', 'scripts', 'kafka.sh');

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

/** What `kafka.sh status` says: its exit code 0 is running, 3 is stopped. */
export async function kafkaStatus(opts: KafkaBrokerOptions = {}): Promise<{ running: boolean; line: string }> {
  const r = await runScript('status', opts);
  const line = r.stdout.trim();
  if (r.code === 0) return { running: true, line };
  if (r.code === 3) return { running: false, line };
  throw new Error(`\`${commandLine(opts)} status\` failed with exit code ${r.code}: ${r.stderr.trim()}`);
}
