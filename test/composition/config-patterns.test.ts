import { CONFIG_PATTERNS, isBrokerAddress } from '../../src/composition/config-patterns';
import { resolveBatchConfig, resolveProdConfig } from '../../src/composition/resolve-config';
import { errorWith } from '../support/matchers';

const HOSTILE_NAMES: ReadonlyArray<readonly [string, string]> = [
  ['a backtick', 'a`b'],
  ['a closing backtick and a statement', 'x`; DROP TABLE t; --'],
  ['a single quote', "o'neil"],
  ['a double quote', 'a"b'],
  ['a dot', 'db.table'],
  ['a space', 'my db'],
  ['a semicolon', 'a;b'],
  ['a dash', 'hexstream-db'],
  ['a percent sign', 'a%b'],
  ['a backslash', 'a\\b'],
  ['a NUL character', 'a\0b'],
  ['a newline', 'a\nb'],
  ['a non-ASCII letter', 'bäckerei'],
  ['a look-alike Cyrillic letter', 'dаta'],
  ['an emoji', 'db😀'],
  ['a leading digit', '1db'],
  ['nothing', ''],
];

describe('SQL identifier patterns', () => {
  it.each([['hexstream'], ['_x'], ['Orders_2025'], ['a'], ['d'.repeat(64)]])(
    'takes %s as a MySQL database name',
    (name) => {
      expect(CONFIG_PATTERNS.mysqlDatabase.test(name)).toBe(true);
    },
  );

  it.each<readonly [string, string]>([...HOSTILE_NAMES, ['65 characters', 'd'.repeat(65)]])(
    'refuses %s in a MySQL database name',
    (_what, name) => {
      expect(CONFIG_PATTERNS.mysqlDatabase.test(name)).toBe(false);
    },
  );

  it('takes 63 characters and refuses 64 in a PostgreSQL database name (its names are cut at 63)', () => {
    expect(CONFIG_PATTERNS.postgresDatabase.test('p'.repeat(63))).toBe(true);
    expect(CONFIG_PATTERNS.postgresDatabase.test('p'.repeat(64))).toBe(false);
  });

  it.each(HOSTILE_NAMES)('refuses %s in a PostgreSQL database name', (_what, name) => {
    expect(CONFIG_PATTERNS.postgresDatabase.test(name)).toBe(false);
  });
});

describe('Kafka name patterns', () => {
  it.each([['orders'], ['orders.dead-letter'], ['stocks_averages'], ['a'], ['t'.repeat(249)], ['...']])(
    'takes %s as a topic',
    (name) => {
      expect(CONFIG_PATTERNS.kafkaTopic.test(name)).toBe(true);
    },
  );

  it.each([['.'], ['..'], [''], ['t'.repeat(250)], ['a b'], ['a/b'], ['a:b'], ['tópico'], ['a\nb'], ["a'b"]])(
    'refuses %j as a topic',
    (name) => {
      expect(CONFIG_PATTERNS.kafkaTopic.test(name)).toBe(false);
    },
  );

  it.each([['pod-2'], ['host.example.com'], ['i'.repeat(100)]])('takes %s as an instance id', (name) => {
    expect(CONFIG_PATTERNS.instanceId.test(name)).toBe(true);
  });

  it.each([[''], ['i'.repeat(101)], ['a b'], ['a:b'], ['ünï']])('refuses %j as an instance id', (name) => {
    expect(CONFIG_PATTERNS.instanceId.test(name)).toBe(false);
  });
});

describe('broker addresses', () => {
  it.each([['127.0.0.1:9092'], ['localhost:1'], ['kafka-1.example.com:65535'], ['a:9092']])('takes %s', (text) => {
    expect(isBrokerAddress(text)).toBe(true);
  });

  it.each([
    ['127.0.0.1'],
    ['127.0.0.1:0'],
    ['127.0.0.1:65536'],
    ['host:99999'],
    ['-host:9092'],
    ['host-:9092'],
    ['a..b:9092'],
    ['host name:9092'],
    ['høst:9092'],
    ['user@host:9092'],
    ['host:9092/path'],
    [`${'l'.repeat(64)}.com:9092`],
    [`${'a.'.repeat(127)}ab:9092`],
    ['[::1]:9092'],
  ])('refuses %s', (text) => {
    expect(isBrokerAddress(text)).toBe(false);
  });
});

describe('names from configuration', () => {
  const prod = { email: 'ops@example.com' };

  it.each([
    [
      { mysql: 'mysql://root@127.0.0.1:3306/a`b' },
      '--mysql: database name must match ^[A-Za-z_][A-Za-z0-9_]{0,63}$, got "a%60b"',
    ],
    [
      { mysql: 'mysql://root@127.0.0.1:3306/db.x' },
      '--mysql: database name must match ^[A-Za-z_][A-Za-z0-9_]{0,63}$, got "db.x"',
    ],
    [
      { mysql: 'mysql://root@127.0.0.1:3306/my%20db' },
      '--mysql: database name must match ^[A-Za-z_][A-Za-z0-9_]{0,63}$, got "my%20db"',
    ],
    [
      { mysql: `mysql://root@127.0.0.1:3306/${'d'.repeat(65)}` },
      `--mysql: database name must match ^[A-Za-z_][A-Za-z0-9_]{0,63}$, got "${'d'.repeat(65)}"`,
    ],
    [
      { postgres: `postgres://u@127.0.0.1:5432/${'p'.repeat(64)}` },
      `--postgres: database name must match ^[A-Za-z_][A-Za-z0-9_]{0,62}$, got "${'p'.repeat(64)}"`,
    ],
    [
      { postgres: "postgres://u@127.0.0.1:5432/x'y" },
      '--postgres: database name must match ^[A-Za-z_][A-Za-z0-9_]{0,62}$, got "x\'y"',
    ],
    [{ topic: '..' }, '--topic: not a valid Kafka topic name: ".."'],
    [{ group: 'g roup' }, '--group: not a valid consumer group id: "g roup"'],
    [
      { brokers: 'host:70000' },
      '--brokers: expected host:port[,host:port…] (a host name or IPv4 address, a port from 1 to 65535), got "host:70000"',
    ],
    [{ smtp: 'smtp://u:p@mail.example.com:25/inbox' }, '--smtp: takes no path, query or fragment'],
  ])('refuses %j naming the flag', (flags, message) => {
    expect(() => resolveProdConfig({ ...prod, ...flags })).toThrow(errorWith({ code: 'CONFIG_INVALID', message }));
  });

  it('refuses a batch database name naming the flag', () => {
    expect(() => resolveBatchConfig({ ...prod, input: 'in.jsonl', mysql: 'mysql://root@h/x;y' })).toThrow(
      errorWith({
        code: 'CONFIG_INVALID',
        message: '--mysql: database name must match ^[A-Za-z_][A-Za-z0-9_]{0,63}$, got "x;y"',
      }),
    );
  });
});

describe('--mysql schemes', () => {
  const prod = { email: 'ops@example.com' };

  it.each(['mysql://root@127.0.0.1:3306/hexstream', 'mariadb://root@127.0.0.1:3306/hexstream'])('takes %s', (url) => {
    expect(resolveProdConfig({ ...prod, mysql: url }).mysqlUrl).toBe(url);
  });

  it('refuses another scheme naming both it takes', () => {
    expect(() => resolveProdConfig({ ...prod, mysql: 'postgres://root@127.0.0.1:3306/hexstream' })).toThrow(
      errorWith({ code: 'CONFIG_INVALID', message: '--mysql: must start with mysql:// or mariadb://' }),
    );
  });
});
