import 'reflect-metadata';
import { rejection } from '../../support/rejection';
import { spawnSync } from 'node:child_process';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Container } from 'inversify';
import { SMTPServer } from 'smtp-server';
import { SmtpNotifier, SmtpNotifierOptions } from '../../../src/adapters/smtp/smtp-notifier.adapter';
import { formatRfc5322Date } from '../../../src/adapters/encoding/rfc5322';
import { HexstreamError } from '../../../src/domain/hexstream-error';
import { NotifierPort, type Notification } from '../../../src/ports/notifier.port';
import { startTestSmtpServer, type ReceivedMail, type TestSmtpServer } from '../../support/test-smtp-server';
import { decodeEncodedWords, decodeBody, header, parseMessage, type ParsedMessage } from '../../support/mime-decoders';

const USER = 'hexstream@example.com';
/** Needs percent-encoding in the URL (`:`, `@`, `/`, non-ASCII): checks the adapter decodes it. */
const PASSWORD = 's3cr3t:p@ss/wörd';
const T0 = Date.UTC(2026, 10, 23, 7, 35, 31, 123);
const MINUTE = 60_000;
const INTERVAL = 5 * MINUTE;

const TEXT = ['hexstream run report', '', 'job: orders', 'café naïve 中文 😀', 'late: 3, dead letters: 1', ''].join(
  '\n',
);
const report: Notification = { kind: 'report', to: 'ops@example.com', subject: 'Rapport: café 中 😀', text: TEXT };
const alert: Notification = {
  kind: 'alert',
  to: 'ops@example.com',
  subject: 'hexstream: orders run failed',
  text: 'SINK_UNAVAILABLE: mysql down\n',
};

/** Accepts connections and never says a word: a server that hangs before its greeting. */
async function startSilentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on: taken from the OS, then freed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function smtpUrl(port: number, password = PASSWORD): string {
  return `smtp://${encodeURIComponent(USER)}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
}

function subjectOf(message: ParsedMessage): string {
  const value = header(message, 'Subject');
  return value.startsWith('=?') ? decodeEncodedWords(value) : value;
}

/** Everything an error could show a log: message, stack, cause and the cause's own fields. */
function everythingIn(error: HexstreamError): string {
  const cause: unknown = error.cause;
  const causeFields =
    typeof cause === 'object' && cause !== null
      ? JSON.stringify(cause, Object.getOwnPropertyNames(cause))
      : String(cause);
  return [error.message, String(error.stack), causeFields].join('\n');
}

const hasPython = spawnSync('python3', ['-c', 'import email.policy'], { encoding: 'utf8' }).status === 0;
const itWithPython = hasPython ? it : it.skip;

const PYTHON_PARSE = `
import email, email.policy, json, sys
m = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
defects = [repr(d) for d in m.defects] + [repr(d) for k in m.keys() for d in m[k].defects]
print(json.dumps({'subject': str(m['subject']), 'to': str(m['to']), 'kind': str(m['x-hexstream-kind']),
  'charset': m.get_content_charset(), 'body': m.get_content(), 'defects': defects}))
`;

describe('SmtpNotifier', () => {
  let server: TestSmtpServer;
  let clock: number;

  beforeEach(async () => {
    server = await startTestSmtpServer(USER, PASSWORD);
    clock = T0;
  });

  afterEach(async () => {
    await server.close();
  });

  function notifier(overrides: Partial<SmtpNotifierOptions> = {}): SmtpNotifier {
    return new SmtpNotifier({
      url: smtpUrl(server.port),
      from: 'hexstream <hexstream@example.com>',
      now: () => clock,
      timeoutMs: 5000,
      ...overrides,
    });
  }

  function bodyOf(received: ReceivedMail | undefined): string {
    if (received === undefined) throw new Error('no message received');
    return decodeBody(parseMessage(received.raw));
  }

  it('delivers a report to the envelope recipient with the exact subject and text, after logging in', async () => {
    await notifier().send(report);
    expect(server.received).toHaveLength(1);
    const [message] = server.received;
    expect(message?.rcptTo).toEqual(['ops@example.com']);
    expect(message?.mailFrom).toBe('hexstream@example.com');
    expect(message?.user).toBe(USER);
    const parsed = parseMessage(message?.raw ?? '');
    expect(subjectOf(parsed)).toBe(report.subject);
    expect(header(parsed, 'To')).toBe('ops@example.com');
    expect(header(parsed, 'From')).toBe('hexstream <hexstream@example.com>');
    expect(header(parsed, 'Date')).toBe(formatRfc5322Date(new Date(T0)));
    expect(header(parsed, 'Content-Type')).toBe('text/plain; charset=utf-8');
    expect(header(parsed, 'X-Hexstream-Kind')).toBe('report');
    expect(bodyOf(message)).toBe(TEXT);
  });

  itWithPython("is parsed by Python's email package back to the original subject and text", async () => {
    await notifier().send(report);
    const run = spawnSync('python3', ['-c', PYTHON_PARSE], { input: server.received[0]?.raw ?? '', encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const parsed = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(parsed).toMatchObject({
      subject: report.subject,
      to: 'ops@example.com',
      kind: 'report',
      charset: 'utf-8',
      defects: [],
    });
    expect(String(parsed['body']).replace(/\r\n/g, '\n')).toBe(TEXT);
  });

  it('marks an alert as such', async () => {
    await notifier().send(alert);
    expect(header(parseMessage(server.received[0]?.raw ?? ''), 'X-Hexstream-Kind')).toBe('alert');
    expect(bodyOf(server.received[0])).toBe(alert.text);
  });

  it('fails with NOTIFY_FAILED on a wrong password, and the password appears nowhere in the error', async () => {
    const wrong = 'Wr0ng-Pa55word-7f3a';
    const error = await rejection(notifier({ url: smtpUrl(server.port, wrong) }).send(report));
    expect(error.code).toBe('NOTIFY_FAILED');
    expect(error.message).toContain(`smtp://${encodeURIComponent(USER)}@127.0.0.1:${server.port}`);
    expect(error.message).toMatch(/535|auth|login/i);
    expect(error.cause).toBeDefined();
    const shown = everythingIn(error);
    expect(shown).not.toContain(wrong);
    expect(shown).not.toContain(encodeURIComponent(wrong));
    expect(server.received).toHaveLength(0);
  });

  it('fails with NOTIFY_FAILED at once when nothing listens on the port', async () => {
    const port = await closedPort();
    const started = Date.now();
    const error = await rejection(notifier({ url: smtpUrl(port), timeoutMs: 2000 }).send(report));
    expect(error.code).toBe('NOTIFY_FAILED');
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).not.toContain(PASSWORD);
    expect(Date.now() - started).toBeLessThan(2000 + 1000);
  });

  it('gives up on a server that never greets within timeoutMs', async () => {
    const silent = await startSilentServer();
    try {
      const started = Date.now();
      const error = await rejection(notifier({ url: smtpUrl(silent.port), timeoutMs: 400 }).send(report));
      const elapsed = Date.now() - started;
      expect(error.code).toBe('NOTIFY_FAILED');
      expect(elapsed).toBeGreaterThanOrEqual(350);
      expect(elapsed).toBeLessThan(400 + 1000);
      expect(everythingIn(error)).not.toContain(encodeURIComponent(PASSWORD));
    } finally {
      await silent.close();
    }
  });

  it('speaks TLS from the first byte for smtps:// and refuses a certificate it cannot verify', async () => {
    // smtp-server's built-in certificate is self-signed: the client must not log in over it.
    let loggedIn = false;
    const tlsServer = new SMTPServer({
      secure: true,
      logger: false,
      closeTimeout: 1000,
      onAuth(_auth, _session, callback) {
        loggedIn = true;
        callback(null, { user: USER });
      },
    });
    // The client hanging up mid-handshake is reported as a server error: expected here.
    tlsServer.on('error', () => undefined);
    const listening = tlsServer.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => listening.once('listening', () => resolve()));
    const { port } = listening.address() as AddressInfo;
    try {
      const url = `smtps://${encodeURIComponent(USER)}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}`;
      const error = await rejection(notifier({ url }).send(report));
      expect(error.code).toBe('NOTIFY_FAILED');
      expect(error.message).toMatch(/certificate/i);
      expect(error.message).toContain(`smtps://${encodeURIComponent(USER)}@127.0.0.1:${port}`);
      expect(loggedIn).toBe(false);
    } finally {
      await new Promise<void>((resolve) => tlsServer.close(() => resolve()));
    }
  });

  it('sends one alert per subject within the interval, then the next with the suppressed count', async () => {
    const smtp = notifier({ minIntervalMs: INTERVAL });
    await smtp.send(alert);
    clock = T0 + MINUTE;
    await smtp.send(alert);
    clock = T0 + 2 * MINUTE;
    await smtp.send(alert);
    expect(server.received).toHaveLength(1);
    expect(bodyOf(server.received[0])).toBe(alert.text);

    clock = T0 + INTERVAL;
    await smtp.send(alert);
    expect(server.received).toHaveLength(2);
    const body = bodyOf(server.received[1]);
    expect(body.startsWith(alert.text)).toBe(true);
    expect(body).toContain(`2 similar alerts suppressed since ${new Date(T0 + MINUTE).toISOString()}`);
    expect(subjectOf(parseMessage(server.received[1]?.raw ?? ''))).toBe(alert.subject);

    // The count starts again after it was told.
    clock = T0 + 2 * INTERVAL;
    await smtp.send(alert);
    expect(server.received).toHaveLength(3);
    expect(bodyOf(server.received[2])).toBe(alert.text);
  });

  it('limits each subject on its own', async () => {
    const smtp = notifier({ minIntervalMs: INTERVAL });
    await smtp.send(alert);
    await smtp.send({ ...alert, subject: 'hexstream: payments run failed' });
    await smtp.send(alert);
    expect(server.received.map((m) => subjectOf(parseMessage(m.raw)))).toEqual([
      'hexstream: orders run failed',
      'hexstream: payments run failed',
    ]);
  });

  it('never rate limits reports', async () => {
    const smtp = notifier({ minIntervalMs: INTERVAL });
    await smtp.send(alert);
    for (let i = 0; i < 3; i++) await smtp.send(report);
    expect(server.received.map((m) => header(parseMessage(m.raw), 'X-Hexstream-Kind'))).toEqual([
      'alert',
      'report',
      'report',
      'report',
    ]);
    expect(bodyOf(server.received[3])).toBe(TEXT);
  });

  it('does not count an alert that failed to go out against the limit', async () => {
    const smtp = notifier({ minIntervalMs: INTERVAL });
    await smtp.send(alert);
    clock = T0 + MINUTE;
    await smtp.send(alert); // suppressed
    clock = T0 + INTERVAL;
    server.refuseNext(1);
    const error = await rejection(smtp.send(alert));
    expect(error.code).toBe('NOTIFY_FAILED');
    expect(error.message).toContain('451');
    // At the same instant: the failed one did not take the slot, and the count is still to be told.
    await smtp.send(alert);
    expect(server.received).toHaveLength(2);
    expect(bodyOf(server.received[1])).toContain(
      `1 similar alert suppressed since ${new Date(T0 + MINUTE).toISOString()}`,
    );
  });

  it('sends every alert when minIntervalMs is 0', async () => {
    const smtp = notifier({ minIntervalMs: 0 });
    for (let i = 0; i < 3; i++) await smtp.send(alert);
    expect(server.received).toHaveLength(3);
  });

  it.each<[string, Partial<Notification>]>([
    ['CRLF in subject', { subject: 'failed\r\nBcc: victim@example.com' }],
    ['LF in subject', { subject: 'failed\nBcc: victim@example.com' }],
    ['CR in subject', { subject: 'failed\rBcc: victim@example.com' }],
    ['CRLF in to', { to: 'ops@example.com\r\nBcc: victim@example.com' }],
    ['LF in to', { to: 'ops@example.com\nBcc: victim@example.com' }],
  ])('rejects %s with NOTIFY_FAILED and sends nothing', async (_, override) => {
    const smtp = notifier();
    for (const kind of ['report', 'alert'] as const) {
      const error = await rejection(smtp.send({ ...alert, kind, ...override }));
      expect(error.code).toBe('NOTIFY_FAILED');
    }
    expect(server.received).toHaveLength(0);
    // A rejected alert is not counted either: the next good one goes out without a note.
    await smtp.send(alert);
    expect(bodyOf(server.received[0])).toBe(alert.text);
  });

  it.each([
    ['a scheme other than smtp/smtps', 'http://u:Hunter2-Secret@127.0.0.1:25'],
    ['an unparsable URL', 'smtp://u:Hunter2-Secret@'],
    ['a query', 'smtp://u:Hunter2-Secret@127.0.0.1:25?pool=true'],
  ])('refuses %s as CONFIG_INVALID without echoing the password', (_, url) => {
    let thrown: unknown;
    try {
      notifier({ url });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(HexstreamError);
    expect(thrown).toMatchObject({ code: 'CONFIG_INVALID' });
    expect(String((thrown as HexstreamError).message)).not.toContain('Hunter2-Secret');
  });

  it('resolves from a container as the NotifierPort', async () => {
    const container = new Container();
    container.bind(SmtpNotifierOptions).toConstantValue({ url: smtpUrl(server.port), from: 'hexstream@example.com' });
    container.bind(NotifierPort).to(SmtpNotifier).inSingletonScope();
    await container.get(NotifierPort).send(report);
    expect(server.received).toHaveLength(1);
  });
});
