import pino, { type DestinationStream, type Logger } from 'pino';
import { inject, injectable, type ServiceIdentifier } from 'inversify';
import type { LogContext, LoggerPort } from '../../ports/logger.port';
import { redactor, redactSecrets } from '../../domain/redaction/redact';

export interface PinoLoggerOptions {
  readonly level: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** File descriptor to write lines to (2 = stderr), unless `write` is given. */
  readonly fd: number;
  /** Passwords of the run's service URLs: masked wherever they appear in a message or a value. */
  readonly secrets?: readonly string[];
  /** Takes each line (without its newline) instead of `fd`: standard error shared with a progress bar. */
  readonly write?: (line: string) => void;
  /** The time of each event, epoch ms (default: the system clock). */
  readonly now?: () => number;
  /** Pretty lines: minutes east of UTC at an instant (default: the process's time zone). */
  readonly utcOffset?: (ms: number) => number;
}

export const PinoLoggerOptions: ServiceIdentifier<PinoLoggerOptions> = Symbol.for('hexstream.PinoLoggerOptions');

/** `write`, as the stream pino writes its lines to (one whole line, newline included, per call). */
function lineStream(write: (line: string) => void): DestinationStream {
  return { write: (chunk: string) => write(chunk.endsWith('\n') ? chunk.slice(0, -1) : chunk) };
}

/** Structured JSON logs through pino, written synchronously so nothing is lost on exit; secrets masked in messages and context. */
@injectable()
export class PinoLogger implements LoggerPort {
  private readonly logger: Logger;
  private readonly redact: (text: string) => string;

  constructor(@inject(PinoLoggerOptions) options: PinoLoggerOptions) {
    const now = options.now;
    this.logger = pino(
      {
        level: options.level,
        base: { app: 'hexstream' },
        // pino's own default is the same field from Date.now().
        ...(now !== undefined ? { timestamp: () => `,"time":${now()}` } : {}),
      },
      options.write !== undefined ? lineStream(options.write) : pino.destination({ fd: options.fd, sync: true }),
    );
    this.redact = redactor(options.secrets ?? []);
  }

  debug(message: string, context?: LogContext): void {
    this.logger.debug(redactSecrets(context, this.redact), this.redact(message));
  }

  info(message: string, context?: LogContext): void {
    this.logger.info(redactSecrets(context, this.redact), this.redact(message));
  }

  warn(message: string, context?: LogContext): void {
    this.logger.warn(redactSecrets(context, this.redact), this.redact(message));
  }

  error(message: string, context?: LogContext): void {
    this.logger.error(redactSecrets(context, this.redact), this.redact(message));
  }
}
