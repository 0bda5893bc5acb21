import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateOrders } from '../../src/domain/jobs/orders.generator';
import { createTestDatabase, type TestDatabase } from '../support/mariadb';
import { decodeEncodedWords, decodeBody, parseMessage } from '../support/mime-decoders';
import { topicWith, uniqueName } from '../support/kafka-topics';
import type { CliResult } from '../support/run-cli';
import { spawnCli } from '../support/spawn-cli';
import { startTestSmtpServer, type TestSmtpServer } from '../support/test-smtp-server';

jest.setTimeout(180_000);

/**
 * Passwords of `--mysql` and `--smtp` (as flags or HEXSTREAM_* variables) appear nowhere: not on
 * stdout or stderr at debug level, not in `--verbose` stacks, not in the report or alert e-mails
 * (outbox files or SMTP), not in dead-letter files. The passwords carry a unique marker and
 * characters that need percent-encoding, so both the typed and the decoded forms are looked for.
 */
const MARKER = `Mk${randomBytes(6).toString('hex')}`;
const PASSWORD = `${MARKER}:p@ss/w%rd`;
const ENCODED = encodeURIComponent(PASSWORD);
const SMTP_USER = 'ops@example.com';

/**
 * A message as sent and as read: quoted-printable may cut a password with a soft line break or
 * write its `=` as `=3D`, and an encoded-word header hides it in base64.
 */
function mailAsRead(raw: string): string {
  const message = parseMessage(raw);
  const headers = [...message.headers].map(
    ([name, values]) =>
      `${name}: ${values.map((v) => (v.startsWith('=?UTF-8?B?') ? decodeEncodedWords(v) : v)).join(' | ')}`,
  );
  return `${raw}\n${headers.join('\n')}\n${decodeBody(message)}`;
}

/** Every file under `dir`, as text (e-mails also decoded). */
function filesUnder(dir: string): string {
  let out = '';
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out += filesUnder(path);
    else
      out += `\n--- ${path}\n${name.endsWith('.eml') ? mailAsRead(readFileSync(path, 'utf8')) : readFileSync(path, 'utf8')}`;
  }
  return out;
}

describe('passwords of service URLs', () => {
  let db: TestDatabase;
  let user: string;
  let smtp: TestSmtpServer;
  let work: string;
  let topic: { topic: string; remove(): Promise<void> };
  let input: string;
  const lines = [
    ...generateOrders({ count: 400, seed: 7, startMs: Date.UTC(2025, 0, 1), ordersPerSecond: 20, faultShare: 0.05 }),
  ].map((o) => o.line);

  beforeAll(async () => {
    db = await createTestDatabase();
    user = `hx_${randomBytes(4).toString('hex')}`;
    await db.query('CREATE USER ?@? IDENTIFIED BY ?', [user, '%', PASSWORD]);
    await db.query(`GRANT ALL PRIVILEGES ON \`${db.name}\`.* TO ?@?`, [user, '%']);
    smtp = await startTestSmtpServer(SMTP_USER, PASSWORD);
    work = mkdtempSync(join(tmpdir(), 'hexstream-secrets-'));
    input = join(work, 'orders.jsonl');
    writeFileSync(input, `${lines.join('\n')}\n`);
    topic = await topicWith(new Map([[0, lines]]));
  });

  afterAll(async () => {
    await topic.remove();
    await smtp.close();
    await db.query('DROP USER IF EXISTS ?@?', [user, '%']).catch(() => undefined);
    await db.drop();
    rmSync(work, { recursive: true, force: true });
  });

  const mysqlUrl = (port = 3306): string => `mysql://${user}:${ENCODED}@127.0.0.1:${port}/${db.name}`;
  const smtpUrl = (): string => `smtp://${encodeURIComponent(SMTP_USER)}:${ENCODED}@127.0.0.1:${smtp.port}`;

  /** Everything a run left for a person to read. */
  function everything(r: CliResult, dir: string): string {
    return `${r.stdout}\n${r.stderr}\n${filesUnder(dir)}\n${smtp.received.map((m) => mailAsRead(m.raw)).join('\n')}`;
  }

  function expectNoPassword(text: string): void {
    expect(text).not.toContain(MARKER);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(ENCODED);
  }

  it('prod with --mysql and --smtp flags, at debug level: rows written, report mailed, password nowhere', async () => {
    const dir = join(work, 'prod-flags');
    const mailsBefore = smtp.received.length;
    const r = await spawnCli(
      [
        'prod',
        'ops@example.com',
        '--topic',
        topic.topic,
        '--group',
        uniqueName('g'),
        '--dead-letter-topic',
        `${topic.topic}.dl`,
        '--bounded',
        '--log-level',
        'debug',
        '--mysql',
        mysqlUrl(),
        '--smtp',
        smtpUrl(),
        '--outbox',
        join(dir, 'outbox'),
      ],
      { cwd: work },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        `rows written\\s+[1-9][\\d,]*  → mysql://${user}:\\*\\*\\*@127\\.0\\.0\\.1:3306/${db.name} table agg_order_window`,
      ),
    );
    expect(smtp.received.slice(mailsBefore).map((m) => m.user)).toEqual([SMTP_USER]);
    expect(Number((await db.query('SELECT COUNT(*) AS n FROM agg_order_window'))[0]?.n)).toBeGreaterThan(0);
    expectNoPassword(everything(r, work));
  });

  it('prod with HEXSTREAM_MYSQL and HEXSTREAM_SMTP in the environment, --verbose', async () => {
    const r = await spawnCli(
      [
        'prod',
        'ops@example.com',
        '--topic',
        topic.topic,
        '--group',
        uniqueName('g'),
        '--dead-letter-topic',
        `${topic.topic}.dl`,
        '--bounded',
        '--verbose',
        '--outbox',
        join(work, 'prod-env'),
      ],
      {
        cwd: work,
        env: { HEXSTREAM_MYSQL: mysqlUrl(), HEXSTREAM_SMTP: smtpUrl() },
      },
    );
    expect(r.code).toBe(0);
    expectNoPassword(everything(r, work));
  });

  it('prod failing on the database, --verbose: the line, the stacks and the alert hold no password', async () => {
    const mailsBefore = smtp.received.length;
    const r = await spawnCli(
      [
        'prod',
        'ops@example.com',
        '--topic',
        topic.topic,
        '--group',
        uniqueName('g'),
        '--dead-letter-topic',
        `${topic.topic}.dl`,
        '--bounded',
        '--verbose',
        '--mysql',
        mysqlUrl(1),
        '--smtp',
        smtpUrl(),
      ],
      { cwd: work },
    );
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(
      `hexstream: SINK_UNAVAILABLE: cannot reach MySQL at mysql://${user}:***@127.0.0.1:1/${db.name} to open agg_order_window: connect ECONNREFUSED 127.0.0.1:1 (ECONNREFUSED, errno -111)`,
    );
    expect(r.stderr).toContain('    at ');
    const alerts = smtp.received.slice(mailsBefore);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.raw).toContain('X-Hexstream-Kind: alert');
    expectNoPassword(everything(r, work));
  });

  it('prod with a wrong password holding the marker: refused, and the marker nowhere', async () => {
    const wrong = `mysql://${user}:${encodeURIComponent(`${MARKER}-wrong`)}@127.0.0.1:3306/${db.name}`;
    const r = await spawnCli(
      [
        'prod',
        'ops@example.com',
        '--topic',
        topic.topic,
        '--group',
        uniqueName('g'),
        '--dead-letter-topic',
        `${topic.topic}.dl`,
        '--bounded',
        '--log-level',
        'debug',
        '--mysql',
        wrong,
        '--outbox',
        join(work, 'prod-wrong'),
      ],
      { cwd: work },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `^hexstream: SINK_UNAVAILABLE: MySQL at mysql://${user}:\\*\\*\\*@127\\.0\\.0\\.1:3306/${db.name} refused the login to open agg_order_window: Access denied for user '${user}'@'[^']+' \\(using password: YES\\) \\(ER_ACCESS_DENIED_ERROR, errno 1045\\) — check the user, password and database in --mysql\\n$`,
      ),
    );
    expectNoPassword(everything(r, work));
  });

  it('batch with --mysql at debug level: report in the outbox, dead letters in their file, password nowhere', async () => {
    const dir = join(work, 'batch');
    const r = await spawnCli(
      [
        'batch',
        'ops@example.com',
        '--input',
        input,
        '--log-level',
        'debug',
        '--mysql',
        mysqlUrl(),
        '--outbox',
        join(dir, 'outbox'),
        '--dead-letter',
        join(dir, 'dead.jsonl'),
      ],
      { cwd: work },
    );
    expect(r.code).toBe(0);
    expect(readdirSync(join(dir, 'outbox'))).toEqual([expect.stringMatching(/-report-[0-9a-f]{8}\.eml$/)]);
    expect(
      mailAsRead(readFileSync(join(dir, 'outbox', readdirSync(join(dir, 'outbox'))[0] as string), 'utf8')),
    ).toContain(`output           mysql://${user}:***@127.0.0.1:3306/${db.name} table agg_order_window`);
    expectNoPassword(everything(r, work));
  });
});
