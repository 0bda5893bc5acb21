import { writeSync } from 'node:fs';
import { inject, injectable } from 'inversify';
import type { LogContext, LoggerPort } from '../../ports/logger.port';
import { redactor, redactSecrets } from '../../domain/redaction/redact';
import { PinoLoggerOptions } from './pino-logger.adapter';
import { prettyLogLine, processUtcOffset, type PrettyLevel } from './pretty-log-line';

const RANK: Readonly<Record<PinoLoggerOptions['level'], number>> = {
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  silent: Infinity,
};

/**
 * The same events as {@link PinoLogger}, as lines for a person (`--log-format pretty`): level name,
 * local time with its offset, message, context as key=value (see `prettyLogLine`). Secrets are
 * masked exactly as in the JSON lines; written synchronously.
 */
@injectable()
export class PrettyLogger implements LoggerPort {
  private readonly redact: (text: string) => string;
  private readonly write: (line: string) => void;
  private readonly now: () => number;
  private readonly min: number;
  private readonly utcOffset: (ms: number) => number;

  constructor(@inject(PinoLoggerOptions) options: PinoLoggerOptions) {
    this.redact = redactor(options.secrets ?? []);
    this.write = options.write ?? ((line): void => void writeSync(options.fd, `${line}\n`));
    this.now = options.now ?? Date.now;
    this.min = RANK[options.level];
    this.utcOffset = options.utcOffset ?? processUtcOffset;
  }

  debug(message: string, context?: LogContext): void {
    this.log('debug', message, context);
  }

  info(message: string, context?: LogContext): void {
    this.log('info', message, context);
  }

  warn(message: string, context?: LogContext): void {
    this.log('warn', message, context);
  }

  error(message: string, context?: LogContext): void {
    this.log('error', message, context);
  }

  private log(level: PrettyLevel, message: string, context: LogContext | undefined): void {
    if (RANK[level] < this.min) return;
    const safe = context === undefined ? undefined : redactSecrets(context, this.redact);
    try {
      this.write(prettyLogLine(level, this.now(), this.redact(message), safe, this.utcOffset));
    } catch {
      // A logger never fails the run (a closed standard error).
    }
  }
}
