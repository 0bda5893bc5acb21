import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringMatching } from '../support/matchers';
import { BROKERS, kafkaClient, uniqueName } from '../support/kafka-topics';
import type { CliResult } from '../support/run-cli';
import { spawnCli } from '../support/spawn-cli';

jest.setTimeout(120_000);

/**
 * `prod` and `batch` started against services that are not there: one line on stderr naming the
 * service, its address (password masked) and the reason; exit code 1; no stack trace unless
 * `--verbose`. The 90 s bound of `spawnCli` is the "does it exit at all" check.
 */

/** A password no message may echo. */
const MARKER = 'Pw7marker';
const STALLED_DNS = resolve(__dirname, '..', 'support', 'stalled-dns.cjs');
/** What a resolver may answer for a name that does not exist, depending on the machine's resolver. */
const UNRESOLVED = String.raw`(?:no such host \(ENOTFOUND\)|getaddrinfo EAI_AGAIN \S+|no answer from the DNS resolver within 10000 ms)`;

async function listening(server: Server): Promise<number> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return (server.address() as AddressInfo).port;
}

/** A port on 127.0.0.1 where nothing listens (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listening(server);
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** Exit code 1, one line on stderr matching `line` (anchored), no stack frame, no password. */
function expectOneLine(r: CliResult, line: RegExp): void {
  expect({ code: r.code, stderr: r.stderr }).toEqual({
    code: 1,
    stderr: stringMatching(new RegExp(`^${line.source}\\n$`)),
  });
  expect(r.stderr.split('\n')).toHaveLength(2);
  expect(r.stderr).not.toContain('    at ');
  expect(`${r.stdout}${r.stderr}`).not.toContain(MARKER);
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** A wrong MySQL password: the server was reached and refused the login; the line says what to fix. */
const REFUSED_MYSQL = String.raw`hexstream: SINK_UNAVAILABLE: MySQL at mysql://root:\*\*\*@127\.0\.0\.1:3306/hexstream_never_created refused the login to open agg_order_window: Access denied for user 'root'@'[^']+' \(using password: YES\) \(ER_ACCESS_DENIED_ERROR, errno 1045\) — check the user, password and database in --mysql`;

describe('startup against services that are not there', () => {
  let work: string;
  let input: string;
  const topics: string[] = [];

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'hexstream-startup-'));
    input = join(work, 'orders.jsonl');
    writeFileSync(
      input,
      '{"orderid":1,"itemid":1,"shopid":1,"region":"eu","count":1,"price":1.5,"timestamp":1700000000}\n',
    );
  });

  afterAll(async () => {
    const admin = kafkaClient().admin();
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    await admin.deleteTopics({ topics: topics.filter((t) => existing.has(t)) }).catch(() => undefined);
    await admin.disconnect();
    rmSync(work, { recursive: true, force: true });
  });

  /** A fresh input topic on the test broker (removed afterwards, with its dead-letter topic). */
  async function inputTopic(): Promise<string> {
    const topic = uniqueName('startup');
    topics.push(topic, `${topic}.dl`);
    const admin = kafkaClient().admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    await admin.disconnect();
    return topic;
  }

  /** `prod` on the test broker with an input topic and dead-letter topic of its own. */
  async function prod(...extra: string[]): Promise<CliResult> {
    const topic = await inputTopic();
    return spawnCli([
      'prod',
      'ops@example.com',
      '--topic',
      topic,
      '--dead-letter-topic',
      `${topic}.dl`,
      '--outbox',
      join(work, 'outbox'),
      ...extra,
    ]);
  }

  async function existingTopics(): Promise<Set<string>> {
    const admin = kafkaClient().admin();
    await admin.connect();
    const names = new Set(await admin.listTopics());
    await admin.disconnect();
    return names;
  }

  function batch(...extra: string[]): Promise<CliResult> {
    return spawnCli([
      'batch',
      'ops@example.com',
      '--input',
      input,
      '--dead-letter',
      join(work, 'dead.jsonl'),
      '--outbox',
      join(work, 'outbox'),
      ...extra,
    ]);
  }

  describe('Kafka', () => {
    it('names the brokers of --brokers and the input topic, not a topic the user never named, when nothing listens on the port', async () => {
      const port = await closedPort();
      const r = await spawnCli([
        'prod',
        'ops@example.com',
        '--brokers',
        `127.0.0.1:${port}`,
        '--outbox',
        join(work, 'outbox'),
      ]);
      expectOneLine(
        r,
        new RegExp(
          `hexstream: SOURCE_UNAVAILABLE: cannot reach Kafka at 127\\.0\\.0\\.1:${port} \\(--brokers\\) to read the input topic orders: Connection error: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}`,
        ),
      );
    });

    it.each([
      ['MySQL', []],
      ['Kafka (--to-kafka)', ['--job', 'stock-averages', '--to-kafka']],
    ])('fails at once on an input topic that does not exist, creating nothing (sink %s)', async (_sink, flags) => {
      const topic = uniqueName('nosuch');
      const others = [`${topic}.dead-letter`, `${topic}.out`, `${topic}.checkpoints`];
      topics.push(topic, ...others);
      const kafkaFlags =
        flags.length > 0 ? ['--output-topic', `${topic}.out`, '--checkpoint-topic', `${topic}.checkpoints`] : [];
      const r = await spawnCli([
        'prod',
        'ops@example.com',
        '--topic',
        topic,
        '--outbox',
        join(work, 'outbox'),
        ...flags,
        ...kafkaFlags,
      ]);
      expectOneLine(
        r,
        new RegExp(
          `hexstream: SOURCE_UNAVAILABLE: topic ${escape(topic)} does not exist on ${escape(BROKERS.join(','))}: check --topic \\(and --brokers\\), or create the topic first`,
        ),
      );
      const existing = await existingTopics();
      expect([topic, ...others].filter((t) => existing.has(t))).toEqual([]);
    });

    it('names the broker host that does not resolve, without waiting for the driver to retry', async () => {
      const r = await spawnCli([
        'prod',
        'ops@example.com',
        '--brokers',
        'nosuch.invalid:9092',
        '--outbox',
        join(work, 'outbox'),
      ]);
      expectOneLine(
        r,
        new RegExp(
          `hexstream: SOURCE_UNAVAILABLE: cannot reach Kafka at nosuch\\.invalid:9092: cannot resolve host nosuch\\.invalid: ${UNRESOLVED}`,
        ),
      );
    });

    it('gives up on a resolver that never answers, and exits although its lookup is still pending', async () => {
      // In the environment, so that the resolver's child process has it too.
      const r = await spawnCli(
        ['prod', 'ops@example.com', '--brokers', 'nosuch.invalid:9092', '--outbox', join(work, 'outbox')],
        { env: { NODE_OPTIONS: `--require ${STALLED_DNS}` } },
      );
      expectOneLine(
        r,
        /hexstream: SOURCE_UNAVAILABLE: cannot reach Kafka at nosuch\.invalid:9092: cannot resolve host nosuch\.invalid: no answer from the DNS resolver within 10000 ms/,
      );
    });

    it.each([
      ['MySQL', [], 'orders'],
      ['Kafka (--to-kafka)', ['--job', 'stock-averages', '--to-kafka'], 'stock-averages'],
    ])('gives up on a broker that accepts connections and never answers (sink %s)', async (_what, flags, topic) => {
      const accepted: Socket[] = [];
      const silent = createServer((socket) => accepted.push(socket));
      const port = await listening(silent);
      try {
        const r = await spawnCli([
          'prod',
          'ops@example.com',
          '--brokers',
          `127.0.0.1:${port}`,
          '--outbox',
          join(work, 'outbox'),
          ...flags,
        ]);
        expectOneLine(
          r,
          new RegExp(
            `hexstream: SOURCE_UNAVAILABLE: cannot reach Kafka at 127\\.0\\.0\\.1:${port} \\(--brokers\\) to read the input topic ${topic}: no answer within 15000 ms`,
          ),
        );
      } finally {
        for (const socket of accepted) socket.destroy();
        silent.close();
      }
    });
  });

  describe('MySQL', () => {
    it('says the server refused the login (it was reached), without the password, when the password is wrong', async () => {
      const r = await prod('--mysql', `mysql://root:${MARKER}@127.0.0.1:3306/hexstream_never_created`);
      expectOneLine(r, new RegExp(REFUSED_MYSQL));
    });

    it('names the database host that does not resolve', async () => {
      const r = await prod('--mysql', `mysql://root:${MARKER}@nosuchhost.invalid:3306/hexstream_never_created`);
      expectOneLine(
        r,
        new RegExp(
          `hexstream: SINK_UNAVAILABLE: cannot reach MySQL at ${escape('mysql://root:***@nosuchhost.invalid:3306/hexstream_never_created')}: cannot resolve host nosuchhost\\.invalid: ${UNRESOLVED}`,
        ),
      );
    });

    it('names the port where nothing listens', async () => {
      const port = await closedPort();
      const r = await prod('--mysql', `mysql://root@127.0.0.1:${port}/hexstream_never_created`);
      expectOneLine(
        r,
        new RegExp(
          `hexstream: SINK_UNAVAILABLE: cannot reach MySQL at ${escape(`mysql://root@127.0.0.1:${port}/hexstream_never_created`)} to open agg_order_window: connect ECONNREFUSED 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED, errno -111\\)`,
        ),
      );
    });

    it('sends the alert to the outbox, with the same masked message', async () => {
      const outbox = join(work, 'alert-outbox');
      const topic = await inputTopic();
      const r = await spawnCli([
        'prod',
        'ops@example.com',
        '--topic',
        topic,
        '--dead-letter-topic',
        `${topic}.dl`,
        '--outbox',
        outbox,
        '--mysql',
        `mysql://root:${MARKER}@127.0.0.1:3306/hexstream_never_created`,
      ]);
      expect(r.code).toBe(1);
      const files = readdirSync(outbox);
      expect(files).toEqual([expect.stringMatching(/-alert-[0-9a-f]{8}\.eml$/)]);
      const mail = readFileSync(join(outbox, files[0] as string), 'utf8');
      expect(mail).toContain('mysql://root:***@127.0.0.1:3306/hexstream_never_created');
      expect(mail).not.toContain(MARKER);
    });
  });

  describe('PostgreSQL', () => {
    it('says the server refused the login (it was reached) for a user it does not know', async () => {
      const r = await prod('--postgres', `postgres://nosuchuser:${MARKER}@127.0.0.1:5432/hexstream_never_created`);
      expectOneLine(
        r,
        new RegExp(
          `hexstream: SINK_UNAVAILABLE: PostgreSQL at ${escape('postgres://nosuchuser:***@127.0.0.1:5432/hexstream_never_created')} refused the login to open agg_order_window: role "nosuchuser" does not exist \\(28000\\) — check the user and password in --postgres`,
        ),
      );
    });

    it('names the database host that does not resolve', async () => {
      const r = await prod(
        '--postgres',
        `postgres://postgres:${MARKER}@nosuchhost.invalid:5432/hexstream_never_created`,
      );
      expectOneLine(
        r,
        new RegExp(
          `hexstream: SINK_UNAVAILABLE: cannot reach PostgreSQL at ${escape('postgres://postgres:***@nosuchhost.invalid:5432/hexstream_never_created')}: cannot resolve host nosuchhost\\.invalid: ${UNRESOLVED}`,
        ),
      );
    });

    it('names the port where nothing listens', async () => {
      const port = await closedPort();
      const r = await prod('--postgres', `postgres://postgres@127.0.0.1:${port}/hexstream_never_created`);
      expectOneLine(
        r,
        new RegExp(
          `hexstream: SINK_UNAVAILABLE: cannot reach PostgreSQL at ${escape(`postgres://postgres@127.0.0.1:${port}/hexstream_never_created`)} to open agg_order_window: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}`,
        ),
      );
    });
  });

  describe('batch', () => {
    it('says the server refused the login, without the password, when the password is wrong', async () => {
      const r = await batch('--mysql', `mysql://root:${MARKER}@127.0.0.1:3306/hexstream_never_created`);
      expectOneLine(r, new RegExp(REFUSED_MYSQL));
    });

    it('names the database host that does not resolve', async () => {
      const r = await batch('--mysql', `mysql://root:${MARKER}@nosuchhost.invalid:3306/hexstream_never_created`);
      expectOneLine(
        r,
        new RegExp(
          `hexstream: SINK_UNAVAILABLE: cannot reach MySQL at ${escape('mysql://root:***@nosuchhost.invalid:3306/hexstream_never_created')}: cannot resolve host nosuchhost\\.invalid: ${UNRESOLVED}`,
        ),
      );
    });
  });

  describe('the alert e-mail', () => {
    const wrongPassword = `mysql://root:${MARKER}@127.0.0.1:3306/hexstream_never_created`;
    const mysqlLine = REFUSED_MYSQL;

    it('never replaces the error line when the SMTP server is unreachable: the line says the alert was not sent either', async () => {
      const port = await closedPort();
      const r = await prod('--mysql', wrongPassword, '--smtp', `smtp://ops:${MARKER}@127.0.0.1:${port}`);
      expectOneLine(
        r,
        new RegExp(
          `${mysqlLine} \\(the alert e-mail was not sent either: cannot send the alert to ops@example\\.com through smtp://ops@127\\.0\\.0\\.1:${port}: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\)`,
        ),
      );
    });

    it('gives up on an SMTP server that never answers and still prints the error line', async () => {
      const accepted: Socket[] = [];
      const silent = createServer((socket) => accepted.push(socket));
      const port = await listening(silent);
      try {
        const r = await prod('--mysql', wrongPassword, '--smtp', `smtp://127.0.0.1:${port}`);
        expectOneLine(
          r,
          new RegExp(
            `${mysqlLine} \\(the alert e-mail was not sent either: cannot send the alert to ops@example\\.com through smtp://127\\.0\\.0\\.1:${port}: .+\\)`,
          ),
        );
      } finally {
        for (const socket of accepted) socket.destroy();
        silent.close();
      }
    });
  });

  describe('--verbose', () => {
    it('prints the same line, then the stack of the error and of its cause', async () => {
      const r = await prod('--mysql', `mysql://root:${MARKER}@127.0.0.1:3306/hexstream_never_created`, '--verbose');
      expect(r.code).toBe(1);
      const lines = r.stderr.split('\n');
      expect(lines[0]).toMatch(
        /^hexstream: SINK_UNAVAILABLE: MySQL at mysql:\/\/root:\*\*\*@127\.0\.0\.1:3306\/hexstream_never_created refused the login to open agg_order_window: Access denied/,
      );
      expect(lines[1]).toMatch(/^hexstream: HexstreamError: MySQL at .* refused the login/);
      expect(lines.filter((l) => l.startsWith('    at ')).length).toBeGreaterThan(2);
      expect(lines).toContainEqual(
        expect.stringMatching(/^hexstream: caused by: Error: Access denied for user 'root'/),
      );
      expect(`${r.stdout}${r.stderr}`).not.toContain(MARKER);
    });
  });
});
