import 'reflect-metadata';
import { anyString } from '../../support/matchers';
import { rejection } from '../../support/rejection';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Container } from 'inversify';
import { FileOutboxNotifier, FileOutboxOptions } from '../../../src/adapters/file/outbox-notifier.adapter';
import { NotifierPort, type Notification } from '../../../src/ports/notifier.port';
import {
  decodeBody,
  decodeEncodedWords,
  decodeQuotedPrintable,
  header,
  parseMessage,
} from '../../support/mime-decoders';

const NOW = new Date(Date.UTC(2026, 10, 23, 7, 35, 31, 123));
const LONG_LINE = `${'The quick brown fox jumps over the lazy dog; prix = 5 € '.repeat(5)}中文 😀 end`;
const TEXT = [
  'hexstream run report',
  '',
  'job: orders',
  'café naïve 中文 😀',
  LONG_LINE,
  'trailing spaces   ',
  'tab\t',
  '=equals= at the edges=',
  '',
].join('\n');

const report: Notification = { kind: 'report', to: 'ops@example.com', subject: 'Rapport: café 中 😀', text: TEXT };

const hasPython = spawnSync('python3', ['-c', 'import email.policy'], { encoding: 'utf8' }).status === 0;

/** Python's own RFC 5322 / MIME parser, as a second opinion on the written file. */
const PYTHON_PARSE = `
import email, email.policy, json, sys
with open(sys.argv[1], 'rb') as f:
    m = email.message_from_bytes(f.read(), policy=email.policy.default)
defects = [repr(d) for d in m.defects] + [repr(d) for k in m.keys() for d in m[k].defects]
print(json.dumps({'subject': str(m['subject']), 'to': str(m['to']), 'from': str(m['from']),
  'date': m['date'].datetime.isoformat(), 'kind': str(m['x-hexstream-kind']),
  'type': m.get_content_type(), 'charset': m.get_content_charset(),
  'body': m.get_content(), 'defects': defects}))
`;

describe('FileOutboxNotifier', () => {
  let root: string;
  let outbox: string;
  let notifier: FileOutboxNotifier;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'hexstream-outbox-'));
    outbox = join(root, 'out', 'outbox');
    notifier = new FileOutboxNotifier({ directory: outbox, from: 'hexstream@localhost', now: () => NOW });
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function sendAndRead(notification: Notification): Promise<{ name: string; raw: string }> {
    await notifier.send(notification);
    const names = await readdir(outbox);
    expect(names).toHaveLength(1);
    const name = names[0] ?? '';
    return { name, raw: await readFile(join(outbox, name), 'utf8') };
  }

  it('creates the outbox and writes one .eml named by time and kind, leaving no temporary file', async () => {
    const { name } = await sendAndRead(report);
    expect(name).toMatch(/^20261123T073531123Z-report-[0-9a-f]{8}\.eml$/);
  });

  it('ends every line with CRLF and keeps lines within 78 characters', async () => {
    const { raw } = await sendAndRead(report);
    expect(raw.endsWith('\r\n')).toBe(true);
    const lines = raw.slice(0, -2).split('\r\n');
    for (const line of lines) {
      expect(line).not.toMatch(/[\r\n]/);
      expect(line.length).toBeLessThanOrEqual(78);
    }
    // Only ASCII on the wire: everything else is encoded.
    expect(raw).toMatch(/^[\x20-\x7e\r\n\t]*$/);
  });

  it('writes the specified headers', async () => {
    const message = parseMessage((await sendAndRead(report)).raw);
    expect(header(message, 'From')).toBe('hexstream@localhost');
    expect(header(message, 'To')).toBe('ops@example.com');
    expect(header(message, 'Date')).toBe('Mon, 23 Nov 2026 07:35:31 +0000');
    expect(header(message, 'Message-ID')).toMatch(/^<[0-9a-f-]{36}@hexstream\.local>$/);
    expect(header(message, 'MIME-Version')).toBe('1.0');
    expect(header(message, 'Content-Type')).toBe('text/plain; charset=utf-8');
    expect(header(message, 'Content-Transfer-Encoding')).toBe('quoted-printable');
    expect(header(message, 'X-Hexstream-Kind')).toBe('report');
    expect(header(message, 'Subject')).toMatch(/^=\?UTF-8\?B\?/);
    expect(decodeEncodedWords(header(message, 'Subject'))).toBe(report.subject);
  });

  it('keeps a plain ASCII subject as it is', async () => {
    const message = parseMessage((await sendAndRead({ ...report, subject: 'hexstream: orders run failed' })).raw);
    expect(header(message, 'Subject')).toBe('hexstream: orders run failed');
  });

  it('encodes the body so that decoding gives back the text exactly', async () => {
    const { raw } = await sendAndRead(report);
    const body = parseMessage(raw).body;
    expect(decodeQuotedPrintable(body)).toBe(TEXT);
    expect(body).toContain('trailing spaces  =20\r\n');
    expect(body).toContain('tab=09\r\n');
  });

  it('gives back a text without a final line break exactly', async () => {
    const text = `no newline at the end ${'é'.repeat(40)} `;
    const { raw } = await sendAndRead({ ...report, text });
    expect(decodeQuotedPrintable(parseMessage(raw).body)).toBe(text);
  });

  it('writes a plain ASCII report as it is (7bit), so that it reads plainly raw and decoded', async () => {
    const text = 'hexstream test run of job orders: completed\n\nwatermarks       0=+inf\n';
    const { raw } = await sendAndRead({ ...report, text });
    const message = parseMessage(raw);
    expect(header(message, 'Content-Transfer-Encoding')).toBe('7bit');
    expect(raw).toContain('\r\nwatermarks       0=+inf\r\n');
    expect(raw).not.toContain('=3D');
    expect(decodeBody(message)).toBe(text);
  });

  it('marks an alert as such', async () => {
    const { name, raw } = await sendAndRead({ ...report, kind: 'alert', subject: 'hexstream: run failed' });
    expect(name).toMatch(/^20261123T073531123Z-alert-[0-9a-f]{8}\.eml$/);
    expect(header(parseMessage(raw), 'X-Hexstream-Kind')).toBe('alert');
  });

  it('writes each message to its own file with its own Message-ID', async () => {
    await notifier.send(report);
    await notifier.send(report);
    const names = await readdir(outbox);
    expect(names).toHaveLength(2);
    const ids = await Promise.all(
      names.map(async (n) => header(parseMessage(await readFile(join(outbox, n), 'utf8')), 'Message-ID')),
    );
    expect(new Set(ids).size).toBe(2);
  });

  it.each<[string, Partial<Notification>]>([
    ['CRLF in to', { to: 'ops@example.com\r\nBcc: victim@example.com' }],
    ['LF in to', { to: 'ops@example.com\nBcc: victim@example.com' }],
    ['CR in to', { to: 'ops@example.com\rBcc: victim@example.com' }],
    ['CRLF in subject', { subject: 'report\r\nBcc: victim@example.com' }],
    ['LF in subject', { subject: 'report\nBcc: victim@example.com' }],
    ['CR in subject', { subject: 'report\rBcc: victim@example.com' }],
  ])('rejects %s with NOTIFY_FAILED and writes nothing', async (_, override) => {
    const error = await rejection(notifier.send({ ...report, ...override }));
    expect(error.code).toBe('NOTIFY_FAILED');
    await expect(readdir(outbox)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('translates a file system error into NOTIFY_FAILED with the cause', async () => {
    const file = join(root, 'a-file');
    await writeFile(file, 'not a directory');
    const blocked = new FileOutboxNotifier({
      directory: join(file, 'outbox'),
      from: 'hexstream@localhost',
      now: () => NOW,
    });
    const error = await rejection(blocked.send(report));
    expect(error.code).toBe('NOTIFY_FAILED');
    // Node's fs errors come from another realm than jest's globals, so no toBeInstanceOf(Error).
    expect(error.cause).toMatchObject({ code: 'ENOTDIR', syscall: 'mkdir' });
    expect(error.message).toContain(join(file, 'outbox'));
  });

  it('resolves from a container as the NotifierPort', async () => {
    const container = new Container();
    container
      .bind(FileOutboxOptions)
      .toConstantValue({ directory: outbox, from: 'hexstream <hexstream@localhost>', now: () => NOW });
    container.bind(NotifierPort).to(FileOutboxNotifier).inSingletonScope();
    await container.get(NotifierPort).send(report);
    const names = await readdir(outbox);
    expect(names).toHaveLength(1);
    const raw = await readFile(join(outbox, names[0] ?? ''), 'utf8');
    expect(header(parseMessage(raw), 'From')).toBe('hexstream <hexstream@localhost>');
  });

  async function parseWithPython(): Promise<Record<string, unknown>> {
    const [name] = await readdir(outbox);
    const run = spawnSync('python3', ['-c', PYTHON_PARSE, join(outbox, name ?? '')], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    return JSON.parse(run.stdout) as Record<string, unknown>;
  }

  const itWithPython = hasPython ? it : it.skip;

  itWithPython("is parsed by Python's email package back to the original subject and text", async () => {
    await notifier.send(report);
    const parsed = await parseWithPython();
    expect(parsed).toEqual({
      subject: report.subject,
      to: 'ops@example.com',
      from: 'hexstream@localhost',
      date: '2026-11-23T07:35:31+00:00',
      kind: 'report',
      type: 'text/plain',
      charset: 'utf-8',
      body: anyString(),
      defects: [],
    });
    // Python keeps the wire format's CRLF in the decoded text.
    expect(String(parsed['body']).replace(/\r\n/g, '\n')).toBe(TEXT);
  });

  itWithPython("is parsed by Python back to a plain ASCII report's text", async () => {
    const text = 'watermarks       0=+inf 1=2025-01-01T00:00:00.000Z\nrows written     3846\n';
    await notifier.send({ ...report, text });
    const parsed = await parseWithPython();
    expect(String(parsed['body']).replace(/\r\n/g, '\n')).toBe(text);
    expect(parsed['defects']).toEqual([]);
  });

  itWithPython('is parsed by Python exactly for a long subject and a text without a final line break', async () => {
    const subject = `Rapport ${'é中😀 '.repeat(15)}fin`;
    const text = `${'x'.repeat(100)} ${'é'.repeat(40)}  `;
    await notifier.send({ ...report, subject, text });
    const parsed = await parseWithPython();
    expect(parsed['subject']).toBe(subject);
    expect(parsed['body']).toBe(text);
    expect(parsed['defects']).toEqual([]);
  });
});
