import { Container } from 'inversify';
import { logAsThread } from '../../src/composition/thread-logger';
import { LoggerPort, type LogContext } from '../../src/ports/logger.port';

class Lines implements LoggerPort {
  readonly lines: Array<[string, string, LogContext | undefined]> = [];
  debug(message: string, context?: LogContext): void {
    this.lines.push(['debug', message, context]);
  }
  info(message: string, context?: LogContext): void {
    this.lines.push(['info', message, context]);
  }
  warn(message: string, context?: LogContext): void {
    this.lines.push(['warn', message, context]);
  }
  error(message: string, context?: LogContext): void {
    this.lines.push(['error', message, context]);
  }
}

describe('a stream thread logs', () => {
  it('every line with its thread', () => {
    const lines = new Lines();
    const container = new Container();
    container.bind(LoggerPort).toConstantValue(lines);
    logAsThread(container, 3);
    const logger = container.get(LoggerPort);
    logger.debug('a');
    logger.info('b', { partition: 1 });
    logger.warn('c', { thread: 9 });
    logger.error('d');
    expect(lines.lines).toEqual([
      ['debug', 'a', { thread: 3 }],
      ['info', 'b', { partition: 1, thread: 3 }],
      ['warn', 'c', { thread: 3 }],
      ['error', 'd', { thread: 3 }],
    ]);
  });
});
