import 'reflect-metadata';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PinoLogger } from '../../../src/adapters/pino/pino-logger.adapter';
import { passwordsOf, redactor, redactSecrets, redactUrl } from '../../../src/domain/redaction/redact';
import { runCli } from '../../../src/cli/run-cli';
import { RedactingNotifier } from '../../../src/composition/redacting-notifier';
import type { Notification, NotifierPort } from '../../../src/ports/notifier.port';

describe('redactUrl', () => {
  it.each([
    ['mysql://root:pw@127.0.0.1:3306/db', 'mysql://root:***@127.0.0.1:3306/db'],
    ['at mysql://root:p@ss@host/db: refused', 'at mysql://root:***@host/db: refused'],
    ['smtp://:pw@mail:25', 'smtp://:***@mail:25'],
    ['smtps://u%40x:p%2Fw@mail', 'smtps://u%40x:***@mail'],
    ['two: mysql://a:one@h/x and postgres://b:two@h/y', 'two: mysql://a:***@h/x and postgres://b:***@h/y'],
    ['mysql://root@127.0.0.1:3306/db', 'mysql://root@127.0.0.1:3306/db'],
    ['kafka at 127.0.0.1:9092', 'kafka at 127.0.0.1:9092'],
    ['smtp://mail.example.com:25 and user@example.com', 'smtp://mail.example.com:25 and user@example.com'],
  ])('%s → %s', (text, expected) => {
    expect(redactUrl(text)).toBe(expected);
  });
});

describe('passwordsOf', () => {
  it('gives each password as typed and as decoded', () => {
    expect(passwordsOf(['mysql://u:p%40ss%2Fw%C3%B6rd@h/db', undefined, 'smtp://u:plain@h'])).toEqual([
      'p%40ss%2Fw%C3%B6rd',
      'p@ss/wörd',
      'plain',
    ]);
  });

  it('gives what stands between user: and the last @ of a URL that does not parse', () => {
    expect(passwordsOf(['mysql://u:bad%zz@host:99999/db'])).toEqual(['bad%zz']);
  });

  it('gives nothing for URLs without a password', () => {
    expect(passwordsOf(['mysql://root@127.0.0.1:3306/db', 'smtp://mail:25', 'not a url'])).toEqual([]);
  });
});

describe('redactor', () => {
  const redact = redactor(['Secret99', 'Secret99-longer', 'abc']);

  it('masks every occurrence of a secret, the longest first, and URL passwords', () => {
    expect(redact('denied: Secret99-longer / Secret99 / mysql://u:xyz@h/db')).toBe(
      'denied: *** / *** / mysql://u:***@h/db',
    );
  });

  it('leaves secrets under 4 characters alone outside URLs', () => {
    expect(redact('abc of mysql://u:abc@h/db')).toBe('abc of mysql://u:***@h/db');
  });

  it('masks the values of keys naming a secret, and secrets in other values', () => {
    expect(redactSecrets({ password: 'x', token: 'y', error: 'login Secret99 refused', n: 3 }, redact)).toEqual({
      password: '***',
      token: '***',
      error: 'login *** refused',
      n: 3,
    });
  });
});

describe('where secrets could leave', () => {
  it('the logger masks them in messages and values', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hexstream-log-'));
    const path = join(dir, 'log.jsonl');
    const fd = openSync(path, 'w');
    try {
      const logger = new PinoLogger({ level: 'debug', fd, secrets: ['Secret99'] });
      logger.debug('connecting with Secret99', { url: 'mysql://u:Secret99@h/db', detail: 'Secret99 refused' });
      logger.error('failed', { error: 'postgres://u:other@h/db' });
      const lines = readFileSync(path, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.map(({ msg, url, detail, error }) => ({ msg, url, detail, error }))).toEqual([
        { msg: 'connecting with ***', url: 'mysql://u:***@h/db', detail: '*** refused', error: undefined },
        { msg: 'failed', url: undefined, detail: undefined, error: 'postgres://u:***@h/db' },
      ]);
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('notifications are masked in subject and text before any notifier sees them', async () => {
    const sent: Notification[] = [];
    const inner: NotifierPort = { send: async (n) => void sent.push(n) };
    await new RedactingNotifier(inner, redactor(['Secret99'])).send({
      kind: 'alert',
      to: 'ops@example.com',
      subject: 'failed: Secret99',
      text: 'at mysql://u:Secret99@h/db\n',
    });
    expect(sent).toEqual([
      { kind: 'alert', to: 'ops@example.com', subject: 'failed: ***', text: 'at mysql://u:***@h/db\n' },
    ]);
  });

  it('the command line never echoes a URL password, not even in a value given to the wrong flag', async () => {
    const lines: string[] = [];
    const out = { line: (t: string) => void lines.push(`out ${t}`), error: (t: string) => void lines.push(`err ${t}`) };
    expect(await runCli(['prod', 'mysql://u:Secret99@h/db'], out)).toBe(2);
    expect(await runCli(['prod', 'ops@example.com', '--output-mode', 'mysql://u:Secret99@h/db'], out)).toBe(2);
    expect(lines).toEqual([
      'err <email>: not a valid e-mail address: "mysql://u:***@h/db"',
      'err --output-mode: must be update, append or complete, got "mysql://u:***@h/db"',
    ]);
  });
});
