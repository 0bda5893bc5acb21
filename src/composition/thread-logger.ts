import type { Container } from 'inversify';
import { LoggerPort, type LogContext } from '../ports/logger.port';

/** A logger whose every line also says which stream thread wrote it (`thread`). */
export class ThreadLogger implements LoggerPort {
  constructor(
    private readonly logger: LoggerPort,
    private readonly thread: number,
  ) {}

  debug(message: string, context?: LogContext): void {
    this.logger.debug(message, { ...context, thread: this.thread });
  }

  info(message: string, context?: LogContext): void {
    this.logger.info(message, { ...context, thread: this.thread });
  }

  warn(message: string, context?: LogContext): void {
    this.logger.warn(message, { ...context, thread: this.thread });
  }

  error(message: string, context?: LogContext): void {
    this.logger.error(message, { ...context, thread: this.thread });
  }
}

/** Makes the container's logger a `ThreadLogger` of `thread` (before anything has asked for it). */
export function logAsThread(container: Container, thread: number): void {
  container.onActivation(LoggerPort, (_ctx, logger) => new ThreadLogger(logger, thread));
}
