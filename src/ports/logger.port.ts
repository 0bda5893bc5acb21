import type { ServiceIdentifier } from 'inversify';

export type LogContext = Readonly<Record<string, string | number | boolean | undefined>>;

/**
 * Structured operational log (not the CLI's output). Implementations must not throw and must
 * redact secrets they recognise in the context.
 */
export interface LoggerPort {
  debug(message: string, context?: LogContext): void;
  info(message: string, context?: LogContext): void;
  warn(message: string, context?: LogContext): void;
  error(message: string, context?: LogContext): void;
}

export const LoggerPort: ServiceIdentifier<LoggerPort> = Symbol.for('hexstream.LoggerPort');
