import type { ServiceIdentifier } from 'inversify';

export interface Notification {
  readonly kind: 'report' | 'alert';
  /** The operator's address. */
  readonly to: string;
  readonly subject: string;
  /** Plain text body (UTF-8). */
  readonly text: string;
}

/**
 * Tells the operator: the run report at the end of a run, alerts on failure.
 * Contract: `send` resolves once the message is handed over (written to the outbox, accepted by the
 * mail server); it rejects with a `NOTIFY_FAILED` error otherwise. Never retried by callers.
 */
export interface NotifierPort {
  send(notification: Notification): Promise<void>;
}

export const NotifierPort: ServiceIdentifier<NotifierPort> = Symbol.for('hexstream.NotifierPort');
