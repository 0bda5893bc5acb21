import pino, { type Logger } from 'pino';
import { inject, injectable, type ServiceIdentifier } from 'inversify';
import type { LogContext, LoggerPort } from '../../ports/logger.port';
import { redactSecrets } from './redact';

export interface PinoLoggerOptions {
  readonly level: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** File descriptor to write JSON lines to (2 = stderr). */
  readonly fd: number;
}

export const PinoLoggerOptions: ServiceIdentifier<PinoLoggerOptions> = Symbol.for('hexstream.PinoLoggerOptions');

/** Structured JSON logs through pino, written synchronously so nothing is lost on exit. */
@injectable()
export class PinoLogger implements LoggerPort {
  private readonly logger: Logger;

  constructor(@inject(PinoLoggerOptions) options: PinoLoggerOptions) {
    this.logger = pino({ level: options.level, base: { app: 'hexstream' } }, pino.destination({ fd: options.fd, sync: true }));
  }

  debug(message: string, context?: LogContext): void {
    this.logger.debug(redactSecrets(context), message);
  }

  info(message: string, context?: LogContext): void {
    this.logger.info(redactSecrets(context), message);
  }

  warn(message: string, context?: LogContext): void {
    this.logger.warn(redactSecrets(context), message);
  }

  error(message: string, context?: LogContext): void {
    this.logger.error(redactSecrets(context), message);
  }
}
