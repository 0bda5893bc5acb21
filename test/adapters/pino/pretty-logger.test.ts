import 'reflect-metadata';
import { PinoLogger, type PinoLoggerOptions } from '../../../src/adapters/pino/pino-logger.adapter';
import { PrettyLogger } from '../../../src/adapters/pino/pretty-logger.adapter';
import { localIsoTime, prettyLogLine } from '../../../src/adapters/pino/pretty-log-line';

// 2026-12-04T21:31:05.123Z
const AT = Date.UTC(2026, 11, 4, 21, 31, 5, 123);

/**
 * Fixed offsets stand for the zones (jest's sandbox does not pass a TZ set at run time on to the
 * process); the e2e test of the terminal shows the process's own TZ applied.
 */
const PARIS_WINTER = (): number => 60;
const UTC = (): number => 0;

function logged(
  make: (o: PinoLoggerOptions) => PrettyLogger | PinoLogger,
  level: PinoLoggerOptions['level'],
): { lines: string[]; logger: PrettyLogger | PinoLogger } {
  const lines: string[] = [];
  const logger = make({
    level,
    fd: -1,
    secrets: ['Secret99'],
    write: (l) => void lines.push(l),
    now: () => AT,
    utcOffset: level === 'debug' ? PARIS_WINTER : UTC,
  });
  return { lines, logger };
}

describe('local ISO-8601 times', () => {
  it.each([
    ['UTC', 0, '2026-12-04T21:31:05.123+00:00'],
    ['Europe/Paris in winter', 60, '2026-12-04T22:31:05.123+01:00'],
    ['Asia/Kolkata', 330, '2026-12-05T03:01:05.123+05:30'],
    ['America/New_York in winter', -300, '2026-12-04T16:31:05.123-05:00'],
    ['America/St_Johns in winter', -210, '2026-12-04T18:01:05.123-03:30'],
  ])('in %s', (_zone, offset, expected) => {
    expect(localIsoTime(AT, () => offset)).toBe(expected);
  });
});

describe('pretty log lines', () => {
  it('give level, local time, message and the context as key=value, one line per event', () => {
    const { lines, logger } = logged((o) => new PrettyLogger(o), 'debug');
    logger.debug('connecting', { host: '127.0.0.1', port: 3306 });
    logger.info('pipeline started', { job: 'orders', partitions: 2, outputMode: 'update', skipped: undefined });
    logger.warn('fenced by another instance', { error: 'epoch 3 < 4', retry: true });
    logger.error('failed\nat line 2', { lagByPartition: '0:10 1:20', quote: 'a "b"', eq: 'k=v' });
    expect(lines).toEqual([
      '2026-12-04T22:31:05.123+01:00 DEBUG connecting host=127.0.0.1 port=3306',
      '2026-12-04T22:31:05.123+01:00 INFO  pipeline started job=orders partitions=2 outputMode=update',
      '2026-12-04T22:31:05.123+01:00 WARN  fenced by another instance error="epoch 3 < 4" retry=true',
      '2026-12-04T22:31:05.123+01:00 ERROR failed\\nat line 2 lagByPartition="0:10 1:20" quote="a \\"b\\"" eq="k=v"',
    ]);
  });

  it('leave out the levels below the one asked for', () => {
    const { lines, logger } = logged((o) => new PrettyLogger(o), 'warn');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(lines).toEqual(['2026-12-04T21:31:05.123+00:00 WARN  w', '2026-12-04T21:31:05.123+00:00 ERROR e']);
  });

  it('mask secrets in the message and the values, and the values of keys naming a secret', () => {
    const { lines, logger } = logged((o) => new PrettyLogger(o), 'info');
    logger.info('login Secret99', { url: 'mysql://u:Secret99@h/db', password: 'x', detail: 'postgres://u:pw@h/y' });
    expect(lines).toEqual([
      '2026-12-04T21:31:05.123+00:00 INFO  login *** url=mysql://u:***@h/db password=*** detail=postgres://u:***@h/y',
    ]);
  });

  it('shape one line independently of a logger', () => {
    expect(prettyLogLine('info', AT, 'progress', { read: 5, lag: undefined }, UTC)).toBe(
      '2026-12-04T21:31:05.123+00:00 INFO  progress read=5',
    );
  });
});

describe('JSON log lines', () => {
  it('stay as pino writes them: level number, epoch time, app, the context, then the message', () => {
    const { lines, logger } = logged((o) => new PinoLogger(o), 'info');
    logger.debug('not shown');
    logger.info('pipeline started', { job: 'orders', partitions: 2, skipped: undefined });
    logger.warn('login Secret99', { url: 'mysql://u:Secret99@h/db', password: 'x' });
    logger.error('failed', { error: 'x' });
    expect(lines).toEqual([
      `{"level":30,"time":${AT},"app":"hexstream","job":"orders","partitions":2,"msg":"pipeline started"}`,
      `{"level":40,"time":${AT},"app":"hexstream","url":"mysql://u:***@h/db","password":"***","msg":"login ***"}`,
      `{"level":50,"time":${AT},"app":"hexstream","error":"x","msg":"failed"}`,
    ]);
  });
});
